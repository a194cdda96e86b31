using System.CommandLine;
using NetFleet.Cli.Output;
using NetFleet.Node;

namespace NetFleet.Cli.Commands;

internal sealed record TokenListOptions(string? Store);

/// <summary><c>netfleet token list</c>: the tokens' names, roles and creation times, never the tokens.</summary>
internal sealed class TokenListHandler
{
    public static Command Command()
    {
        var store = StoreOption.Create();
        var command = new Command("list", "Names, roles and creation times of the tokens (never the tokens)") { store };
        command.SetAction((parse, ct) => new TokenListHandler().RunAsync(new TokenListOptions(parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(TokenListOptions options, CancellationToken ct)
    {
        var table = new TextTable(new("name"), new("role"), new("created"));
        foreach (var token in await ApiTokens.ListAsync(JobStore.Resolve(options.Store), ct))
        {
            table.Add(token.Name, ApiTokens.RoleName(token.Role), Cells.Time(token.Created));
        }

        table.WriteToOutput();
        return 0;
    }
}
