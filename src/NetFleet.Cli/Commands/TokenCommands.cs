using System.CommandLine;
using System.Net.Http.Headers;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet token add|list|revoke</c>: the HTTP API's bearer tokens, kept (hashed) in the job store so every
/// orchestrator sharing it accepts them; and the <c>--token</c> option of the commands that call the API.</summary>
internal static class TokenCommands
{
    public const string TokenVariable = "NETFLEET_TOKEN";

    public static Option<string?> TokenOption() => new("--token")
    {
        Description = $"Bearer token for the API (default ${TokenVariable}); `netfleet token add` makes one",
    };

    /// <summary>Sends the token from <c>--token</c>, else <c>NETFLEET_TOKEN</c>, on every request of <paramref name="http"/>.</summary>
    public static void Authorize(HttpClient http, string? token)
    {
        token ??= Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } env ? env : null;
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
    }

    public static Command Create()
    {
        var command = new Command("token", "Bearer tokens of the HTTP API: viewer (read) or operator (also submit, cancel, approve, roll back)");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "Who uses it; recorded as the user of what the token does" };
        var role = new Option<string>("--role") { Description = "viewer or operator", Required = true };
        role.AcceptOnlyFromAmong("viewer", "operator");
        var store = StoreOption.Create();
        var command = new Command("add", "Create a token and print it, once: only its SHA-256 is stored") { name, role, store };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var token = await ApiTokens.CreateAsync(JobStore.Resolve(parse.GetValue(store)), parse.GetValue(name)!,
                    ApiTokens.ParseRole(parse.GetValue(role)!), ct);
                Console.WriteLine(token);
                await Console.Error.WriteLineAsync("keep it now: it cannot be shown again");
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync("netfleet token add: " + e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command List()
    {
        var store = StoreOption.Create();
        var command = new Command("list", "Names, roles and creation times of the tokens (never the tokens)") { store };
        command.SetAction(async (parse, ct) =>
        {
            var table = new Table().AddColumns("name", "role", "created");
            foreach (var token in await ApiTokens.ListAsync(JobStore.Resolve(parse.GetValue(store)), ct))
            {
                table.AddRow(Markup.Escape(token.Name), ApiTokens.RoleName(token.Role), token.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var name = new Argument<string>("name") { Description = "The token's name" };
        var store = StoreOption.Create();
        var command = new Command("revoke", "Delete a token; requests with it are refused from then on") { name, store };
        command.SetAction(async (parse, ct) =>
        {
            if (await ApiTokens.RevokeAsync(JobStore.Resolve(parse.GetValue(store)), parse.GetValue(name)!, ct)) return 0;
            await Console.Error.WriteLineAsync($"no token named {parse.GetValue(name)}");
            return 1;
        });
        return command;
    }
}
