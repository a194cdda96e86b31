namespace NetFleet.Lab.Devices;

/// <summary>One line a device received, with the CLI mode it was entered in: <c>exec</c>,
/// <c>privileged</c>, <c>config</c> or a sub-mode as the prompt names it (<c>config-if</c>,
/// <c>config-router</c>, EOS <c>config-s-NAME</c>), Junos <c>operational</c> or <c>configuration</c>.</summary>
public sealed record CommandLogEntry(string Mode, string Line)
{
    public bool InConfigurationMode => Mode.StartsWith("config", StringComparison.Ordinal);
}

/// <summary>
/// The last lines each device received, across its sessions, so tests can see what a client sent
/// (e.g. nothing in configuration mode on an idempotent rerun). Bounded: the oldest lines go first.
/// Secrets typed at a <c>Password:</c> prompt are not lines and are never kept.
/// </summary>
public sealed class CommandLog(int capacity = CommandLog.DefaultCapacity)
{
    public const int DefaultCapacity = 1000;
    private readonly Queue<CommandLogEntry> entries = new();
    private readonly Lock gate = new();

    public void Record(string mode, string line)
    {
        lock (gate)
        {
            if (entries.Count == capacity)
            {
                entries.Dequeue();
            }

            entries.Enqueue(new CommandLogEntry(mode, line));
        }
    }

    public IReadOnlyList<CommandLogEntry> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }
}
