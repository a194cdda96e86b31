using NetFleet.Node;

namespace NetFleet.Api.Tests;

/// <summary><c>netfleet token add|list|revoke</c>, run as the real program against a store of its own.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-token-cli-").FullName;

    private string Store => $"sqlite:{Path.Combine(folder, "netfleet.db")}";

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Token_add_prints_a_token_once_list_never_shows_it_and_revoke_ends_it()
    {
        var (code, token, _) = await RunAsync("token", "add", "ci-bot", "--role", "operator", "--store", Store);
        Assert.Equal(0, code);
        token = token.Trim();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        var found = await ApiTokens.FindAsync(JobStore.Parse(Store), token);
        Assert.Equal(("ci-bot", ApiRole.Operator), (found?.Name, found?.Role));

        var (listCode, list, _) = await RunAsync("token", "list", "--store", Store);
        Assert.Equal(0, listCode);
        Assert.Contains("ci-bot", list);
        Assert.Contains("operator", list);
        Assert.DoesNotContain(token, list);
        Assert.DoesNotContain(ApiTokens.Hash(token), list);

        var (again, _, againError) = await RunAsync("token", "add", "ci-bot", "--role", "viewer", "--store", Store);
        Assert.Equal(2, again);
        Assert.Contains("exists already", againError);
        Assert.NotEqual(0, (await RunAsync("token", "add", "x", "--role", "admin", "--store", Store)).ExitCode);

        Assert.Equal(0, (await RunAsync("token", "revoke", "ci-bot", "--store", Store)).ExitCode);
        Assert.Null(await ApiTokens.FindAsync(JobStore.Parse(Store), token));
        var (gone, _, goneError) = await RunAsync("token", "revoke", "ci-bot", "--store", Store);
        Assert.Equal(1, gone);
        Assert.Contains("no token named ci-bot", goneError);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => ApiNode.RunNetfleetAsync(args);
}
