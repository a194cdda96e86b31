namespace NetFleet.Node;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the job journal and history live: the one setting for both. <c>sqlite:PATH</c> (the default,
/// <c>sqlite:.netfleet/netfleet.db</c>, created on first use) or <c>postgres:CONNECTION-STRING</c>. The command
/// line's <c>--store</c> wins; <c>NETFLEET_STORE</c> is the fallback.
/// </summary>
public sealed record JobStore(StoreKind Kind, string ConnectionString, string Display)
{
    public const string EnvironmentVariable = "NETFLEET_STORE";
    public const string DefaultSetting = "sqlite:.netfleet/netfleet.db";

    public static JobStore Resolve(string? setting) =>
        Parse(string.IsNullOrWhiteSpace(setting)
            ? Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env : DefaultSetting
            : setting);

    public static JobStore Parse(string setting)
    {
        if (setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = Path.GetFullPath(setting["sqlite:".Length..]);
            return new JobStore(StoreKind.Sqlite, $"Data Source={path};Default Timeout=30", "sqlite:" + path);
        }

        if (setting.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            var connection = setting["postgres:".Length..];
            var display = string.Join(';', connection.Split(';').Where(p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)));
            return new JobStore(StoreKind.Postgres, connection, "postgres:" + display);
        }

        throw new ArgumentException($"store '{setting}': expected sqlite:PATH or postgres:CONNECTION-STRING");
    }

    /// <summary>linq2db's provider name for Akka.Persistence.Sql.</summary>
    public string ProviderName => Kind == StoreKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

    /// <summary>Creates the SQLite file's folder; the tables are created by the journal and the history.</summary>
    public void EnsureLocation()
    {
        if (Kind != StoreKind.Sqlite) return;
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    }
}
