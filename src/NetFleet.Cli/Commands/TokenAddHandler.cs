using System.CommandLine;
using NetFleet.Node;

namespace NetFleet.Cli.Commands;

internal sealed record TokenAddOptions(string Name, string Role, string? Store);

/// <summary><c>netfleet token add NAME --role ROLE</c>: makes a token and prints it, once.</summary>
internal sealed class TokenAddHandler
{
    public static Command Command()
    {
        var name = new Argument<string>("name") { Description = "Who uses it; recorded as the user of what the token does" };
        var role = new Option<string>("--role") { Description = "viewer or operator", Required = true };
        role.AcceptOnlyFromAmong("viewer", "operator");
        var store = StoreOption.Create();
        var command = new Command("add", "Create a token and print it, once: only its SHA-256 is stored") { name, role, store };
        command.SetAction((parse, ct) =>
            new TokenAddHandler().RunAsync(new TokenAddOptions(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(TokenAddOptions options, CancellationToken ct)
    {
        try
        {
            var token = await ApiTokens.CreateAsync(JobStore.Resolve(options.Store), options.Name, ApiTokens.ParseRole(options.Role), ct);
            Console.WriteLine(token);
            await Console.Error.WriteLineAsync("keep it now: it cannot be shown again");
            return 0;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("netfleet token add: " + e.Message);
            return 2;
        }
    }
}
