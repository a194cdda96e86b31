namespace NetFleet.Snmp;

/// <summary>
/// What an agent serves: exact gets, get-next in OID order and (optionally) sets. Values are read
/// when asked, so a provider can compute them (counters that move with time).
/// </summary>
public interface IMibView
{
    /// <summary>The value at <paramref name="oid"/>, or <see cref="NoSuchObject"/> / <see cref="NoSuchInstance"/>.</summary>
    SnmpValue Get(Oid oid);

    /// <summary>The first variable strictly after <paramref name="oid"/>, or null past the end of the view.</summary>
    Variable? GetNext(Oid oid);

    /// <summary>Checks that a set would succeed, without changing anything.</summary>
    SnmpError TestSet(Oid oid, SnmpValue value);

    /// <summary>Applies a set that <see cref="TestSet"/> accepted.</summary>
    void CommitSet(Oid oid, SnmpValue value);
}

/// <summary>One object instance of a <see cref="SortedMibView"/>; <paramref name="Write"/> makes it writable.</summary>
public sealed record MibEntry(Oid Oid, Func<SnmpValue> Read, Action<SnmpValue>? Write = null)
{
    public static MibEntry Constant(Oid oid, SnmpValue value) => new(oid, () => value);

    /// <summary>A writable value held by the entry itself (sysContact, sysLocation…).</summary>
    public static MibEntry Variable(Oid oid, SnmpValue initial)
    {
        var box = new StrongBox(initial);
        return new MibEntry(oid, () => Volatile.Read(ref box.Value), v => Volatile.Write(ref box.Value, v));
    }

    private sealed class StrongBox(SnmpValue value)
    {
        public SnmpValue Value = value;
    }
}

/// <summary>A fixed set of instances sorted by OID: binary search for get and get-next.</summary>
public sealed class SortedMibView : IMibView
{
    private readonly MibEntry[] entries;
    private readonly Oid[] keys;

    public SortedMibView(IEnumerable<MibEntry> entries)
    {
        this.entries = [.. entries.OrderBy(e => e.Oid)];
        keys = [.. this.entries.Select(e => e.Oid)];
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] == keys[i - 1])
            {
                throw new ArgumentException($"duplicate MIB entry {keys[i]}", nameof(entries));
            }
        }
    }

    public int Count => entries.Length;

    public SnmpValue Get(Oid oid)
    {
        var i = Array.BinarySearch(keys, oid);
        if (i >= 0)
        {
            return entries[i].Read();
        }

        // An instance missing under an object that has instances is noSuchInstance (RFC 3416 §4.2.1).
        var next = ~i;
        var parent = oid.Length > 1 ? new Oid(oid.Parts[..^1].ToArray()) : oid;
        return (next < keys.Length && keys[next].StartsWith(parent)) || (next > 0 && keys[next - 1].StartsWith(parent))
            ? NoSuchInstance.Instance
            : NoSuchObject.Instance;
    }

    public Variable? GetNext(Oid oid)
    {
        var i = Array.BinarySearch(keys, oid);
        var next = i >= 0 ? i + 1 : ~i;
        return next < entries.Length ? new Variable(keys[next], entries[next].Read()) : null;
    }

    public SnmpError TestSet(Oid oid, SnmpValue value)
    {
        var i = Array.BinarySearch(keys, oid);
        if (i < 0)
        {
            return SnmpError.NoCreation;
        }

        if (entries[i].Write is null)
        {
            return SnmpError.NotWritable;
        }

        return entries[i].Read().GetType() == value.GetType() ? SnmpError.NoError : SnmpError.WrongType;
    }

    public void CommitSet(Oid oid, SnmpValue value)
    {
        var i = Array.BinarySearch(keys, oid);
        entries[i].Write!(value);
    }
}
