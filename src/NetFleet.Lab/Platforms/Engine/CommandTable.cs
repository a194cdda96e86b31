using System.Collections;
using NetFleet.Lab.Config;

namespace NetFleet.Lab.Platforms;

/// <summary>One line the CLI matched: the grammar's answer, the line as typed, its words, and the
/// column the line started at (after the prompt), so an error can point under a word.</summary>
internal sealed record CliCall(CliMatch Match, string Line, IReadOnlyList<CliToken> Tokens, int Column)
{
    /// <summary>The IOS/EOS output modifier (<c>include x</c> of <c>show run | include x</c>), if any.</summary>
    public string? Filter { get; init; }

    /// <summary>The Junos pipes (<c>display set</c>, <c>match x</c>, <c>no-more</c>) in the order typed.</summary>
    public List<string> Pipes { get; init; } = [];

    public string Command => Match.Command;

    public IReadOnlyList<string> Args => Match.Args;
}

/// <summary>
/// What answers each command of a grammar: the grammar's canonical command (keywords spelled out,
/// arguments as their placeholder, e.g. <c>terminal length &lt;0-512&gt;</c>) to a handler. A command
/// ending in <c> …</c> stands for every command that starts with it.
/// </summary>
internal sealed class CommandTable<TCli> : IEnumerable<string>
{
    private readonly Dictionary<string, Func<TCli, CliCall, CancellationToken, Task>> exact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, Func<TCli, CliCall, CancellationToken, Task> Handler)> prefixes = [];

    public void Add(string command, Func<TCli, CliCall, CancellationToken, Task> handler)
    {
        if (command.EndsWith(" …", StringComparison.Ordinal))
        {
            prefixes.Add((command[..^2], handler));
        }
        else
        {
            exact.Add(command, handler);
        }
    }

    public void Add(string[] commands, Func<TCli, CliCall, CancellationToken, Task> handler)
    {
        foreach (var command in commands)
        {
            Add(command, handler);
        }
    }

    /// <summary>A handler that writes nothing and asks nothing.</summary>
    public void Add(string command, Action<TCli, CliCall> handler) => Add([command], handler);

    public void Add(string[] commands, Action<TCli, CliCall> handler) => Add(commands, (cli, call, _) =>
    {
        handler(cli, call);
        return Task.CompletedTask;
    });

    /// <summary>Runs the command's handler; false when the table has none.</summary>
    public bool TryRun(TCli cli, CliCall call, CancellationToken cancellationToken, out Task running)
    {
        var handler = exact.GetValueOrDefault(call.Command)
            ?? prefixes.FirstOrDefault(p => call.Command.StartsWith(p.Prefix, StringComparison.Ordinal)).Handler;
        running = handler is null ? Task.CompletedTask : handler(cli, call, cancellationToken);
        return handler is not null;
    }

    public IEnumerator<string> GetEnumerator() => exact.Keys.Concat(prefixes.Select(p => p.Prefix + " …")).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
