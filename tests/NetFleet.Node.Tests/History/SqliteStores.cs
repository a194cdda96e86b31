namespace NetFleet.Node.Tests.History;

/// <summary>Fresh SQLite stores, each in its own folder under one temporary folder that goes with this.</summary>
internal sealed class SqliteStores(string prefix) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory(prefix).FullName;

    public Task<JobStore> NewAsync()
    {
        var store = JobStore.Parse("sqlite:" + Path.Combine(folder, Guid.NewGuid().ToString("N"), "netfleet.db"));
        store.EnsureLocation();
        return Task.FromResult(store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
