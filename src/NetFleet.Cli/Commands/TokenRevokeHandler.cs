using System.CommandLine;
using NetFleet.Node;

namespace NetFleet.Cli.Commands;

internal sealed record TokenRevokeOptions(string Name, string? Store);

/// <summary><c>netfleet token revoke NAME</c>: deletes a token.</summary>
internal sealed class TokenRevokeHandler
{
    public static Command Command()
    {
        var name = new Argument<string>("name") { Description = "The token's name" };
        var store = StoreOption.Create();
        var command = new Command("revoke", "Delete a token; requests with it are refused from then on") { name, store };
        command.SetAction((parse, ct) => new TokenRevokeHandler().RunAsync(new TokenRevokeOptions(parse.GetValue(name)!, parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(TokenRevokeOptions options, CancellationToken ct)
    {
        if (await ApiTokens.RevokeAsync(JobStore.Resolve(options.Store), options.Name, ct)) return 0;
        await Console.Error.WriteLineAsync($"no token named {options.Name}");
        return 1;
    }
}
