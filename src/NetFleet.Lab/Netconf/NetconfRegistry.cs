using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// What the NETCONF sessions of one lab share: session ids, the live sessions (for <c>kill-session</c>), the
/// datastore locks of each device (held by a session, released when it ends) and, per device, which session's
/// confirmed commit is pending and under which persist id.
/// </summary>
internal sealed class NetconfRegistry
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, Action> kills = [];
    private readonly Dictionary<(string Device, string Datastore), int> locks = [];
    private readonly Dictionary<string, ConfirmedCommit> confirmed = new(StringComparer.Ordinal);
    private int lastId;

    /// <summary>A new session id; <paramref name="kill"/> ends that session (kill-session from another one).</summary>
    public int Open(Action kill)
    {
        lock (gate)
        {
            var id = ++lastId;
            kills[id] = kill;
            return id;
        }
    }

    /// <summary>Forgets a session and releases its locks.</summary>
    public void Close(int session)
    {
        lock (gate)
        {
            kills.Remove(session);
            foreach (var key in locks.Where(l => l.Value == session).Select(l => l.Key).ToList())
            {
                locks.Remove(key);
            }
        }
    }

    /// <summary>Ends another session at once; false when there is no such session.</summary>
    public bool Kill(int session)
    {
        Action? kill;
        lock (gate)
        {
            if (!kills.TryGetValue(session, out kill))
            {
                return false;
            }
        }
        Close(session);
        kill();
        return true;
    }

    /// <summary>Takes the lock; the holder's session id when another session (or this one) holds it.</summary>
    public int? TryLock(string device, string datastore, int session)
    {
        lock (gate)
        {
            if (locks.TryGetValue((device, datastore), out var holder))
            {
                return holder;
            }
            locks[(device, datastore)] = session;
            return null;
        }
    }

    public bool Unlock(string device, string datastore, int session)
    {
        lock (gate)
        {
            return locks.TryGetValue((device, datastore), out var holder) && holder == session && locks.Remove((device, datastore));
        }
    }

    /// <summary>The session holding the lock, if it is not <paramref name="session"/>.</summary>
    public int? LockedByOther(string device, string datastore, int session)
    {
        lock (gate)
        {
            return locks.TryGetValue((device, datastore), out var holder) && holder != session ? holder : null;
        }
    }

    public ConfirmedCommit? Confirmed(string device)
    {
        lock (gate)
        {
            return confirmed.GetValueOrDefault(device);
        }
    }

    public void SetConfirmed(string device, ConfirmedCommit? commit)
    {
        lock (gate)
        {
            if (commit is null)
            {
                confirmed.Remove(device);
            }
            else
            {
                confirmed[device] = commit;
            }
        }
    }

    /// <summary>The error a session gets when another holds the datastore it wants to change.</summary>
    public static NetconfRpcError InUse(string datastore, int holder) => new("protocol", "in-use", "error")
    {
        Message = $"the {datastore} datastore is locked by NETCONF session {holder}",
        Info = new System.Xml.Linq.XElement(NetconfXml.Base + "error-info", new System.Xml.Linq.XElement(NetconfXml.Base + "session-id", holder)),
    };
}

/// <summary>A pending confirmed commit made over NETCONF: the revert it armed, the session, the persist id if any.</summary>
internal sealed record ConfirmedCommit(string RevertId, int Session, string? PersistId);
