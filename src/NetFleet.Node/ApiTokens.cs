using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NetFleet.Node.History;

namespace NetFleet.Node;

/// <summary>What a bearer token of the HTTP API may do: <see cref="Viewer"/> reads, <see cref="Operator"/> also submits,
/// cancels, approves and rolls back.</summary>
public enum ApiRole
{
    Viewer,
    Operator,
}

/// <summary>A token as listed: never its value or hash.</summary>
public sealed record ApiTokenInfo(string Name, ApiRole Role, DateTimeOffset Created);

/// <summary>
/// The HTTP API's bearer tokens, in the job store (table <c>nf_api_tokens</c>), so every orchestrator node sharing the
/// store accepts the same tokens. A token is 32 random bytes (base64url), shown once when it is created; only its
/// SHA-256 is stored. A fast unsalted hash is enough here: the token has 256 bits of entropy, so there is no dictionary
/// to try and a slow password hash would only slow down every request.
/// </summary>
public static partial class ApiTokens
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS nf_api_tokens (
          name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)
        """;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> SchemaReady = new(StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex NamePattern();

    public static ApiRole ParseRole(string text) => text.ToLowerInvariant() switch
    {
        "viewer" => ApiRole.Viewer,
        "operator" => ApiRole.Operator,
        _ => throw new ArgumentException($"unknown role '{text}' (roles: viewer, operator)"),
    };

    public static string RoleName(ApiRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Creates a token for <paramref name="name"/> and returns its value; the only time it is seen.</summary>
    public static async Task<string> CreateAsync(JobStore store, string name, ApiRole role, CancellationToken ct = default)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"token name '{name}': use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await OpenAsync(store, ct);
        try
        {
            await ExecuteAsync(connection, "INSERT INTO nf_api_tokens (name, role, token_hash, created_at) VALUES (@name, @role, @hash, @at)", ct,
                ("name", name), ("role", RoleName(role)), ("hash", Hash(token)), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }
        catch (DbException e) when (e.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase)
                                    || e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"a token named '{name}' exists already (revoke it first)", e);
        }

        return token;
    }

    /// <summary>The token's name and role, or null when no such token is stored.</summary>
    public static async Task<ApiTokenInfo?> FindAsync(JobStore store, string token, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(store, ct);
        await using var command = Command(connection, "SELECT name, role, created_at FROM nf_api_tokens WHERE token_hash = @hash", ("hash", Hash(token)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public static async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(JobStore store, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(store, ct);
        await using var command = Command(connection, "SELECT name, role, created_at FROM nf_api_tokens ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tokens = new List<ApiTokenInfo>();
        while (await reader.ReadAsync(ct)) tokens.Add(Read(reader));
        return tokens;
    }

    /// <summary>Deletes the token; false when there was none of that name.</summary>
    public static async Task<bool> RevokeAsync(JobStore store, string name, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(store, ct);
        return await ExecuteAsync(connection, "DELETE FROM nf_api_tokens WHERE name = @name", ct, ("name", name)) > 0;
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes, lower-case hex: what the table holds.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static ApiTokenInfo Read(DbDataReader r) =>
        new(r.GetString(0), ParseRole(r.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)));

    // Base64url without padding (RFC 4648 §5), so a token goes into a header or a shell variable as it is.
    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<DbConnection> OpenAsync(JobStore store, CancellationToken ct)
    {
        store.EnsureLocation();
        var connection = new HistoryStore(store).Connect();
        await connection.OpenAsync(ct);
        // Once per store and process: every request looks a token up, and concurrent CREATEs can collide on PostgreSQL.
        if (!SchemaReady.ContainsKey(store.ConnectionString))
        {
            await ExecuteAsync(connection, Schema, ct);
            SchemaReady[store.ConnectionString] = true;
        }

        return connection;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var command = Command(connection, sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }
}
