using System.CommandLine;
using System.Net.Http.Headers;

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
        command.Subcommands.Add(TokenAddHandler.Command());
        command.Subcommands.Add(TokenListHandler.Command());
        command.Subcommands.Add(TokenRevokeHandler.Command());
        return command;
    }
}
