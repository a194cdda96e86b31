using System.CommandLine;
using NetFleet.Node;
using NetFleet.Node.History;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

/// <summary>The one way every command names the job store.</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store")
    {
        Description = $"Job journal and history: sqlite:PATH or \"postgres:Host=…;Port=…;Username=…;Database=…\" " +
            $"(default ${JobStore.EnvironmentVariable}, else {JobStore.DefaultSetting})",
    };
}

/// <summary><c>netfleet jobs list|show|resume|approve</c>: the job history. Each subcommand is its own handler.</summary>
internal static class JobsCommands
{
    public static Command Create()
    {
        var command = new Command("jobs", "The job history: list and show jobs, resume one whose process died, approve one waiting at a gate");
        command.Subcommands.Add(JobsListHandler.Command());
        command.Subcommands.Add(JobsShowHandler.Command());
        command.Subcommands.Add(JobsResumeHandler.Command());
        command.Subcommands.Add(JobsApproveHandler.Command());
        return command;
    }

    /// <summary>The formats of the history's readers: tables for people (short, or wide with more columns), exports with
    /// every field.</summary>
    public static Option<string> OutputOption(string columns)
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = $"{columns}; json, csv or xml: every field, times in UTC",
            DefaultValueFactory = _ => "table",
        };
        output.AcceptOnlyFromAmong("table", "wide", "json", "csv", "xml");
        return output;
    }

    public static bool IsTable(string format) => format is "table" or "wide";

    /// <summary>The history for queries, caught up with the journal first, so jobs of processes that died show.</summary>
    public static Task<HistoryStore> QueryHistoryAsync(string? store, CancellationToken ct) =>
        NetFleetNode.CaughtUpHistoryAsync(JobStore.Resolve(store), Logging.Create(LogEventLevel.Warning), ct);
}
