namespace NetFleet.Lab.Devices;

/// <summary>
/// One device's state, shared by every session to that device. Sessions read and change it only
/// through <see cref="Read{T}"/> and <see cref="Update{T}"/>, which serialise access and report
/// each change so the host can persist it (state outlives sessions and lab restarts).
/// </summary>
public sealed class DeviceStateStore(DeviceState initial, Action<DeviceState>? changed = null)
{
    private readonly Lock gate = new();
    private DeviceState state = initial;

    public T Read<T>(Func<DeviceState, T> read)
    {
        lock (gate)
        {
            return read(state);
        }
    }

    public T Update<T>(Func<DeviceState, T> update)
    {
        lock (gate)
        {
            var result = update(state);
            changed?.Invoke(state);
            return result;
        }
    }

    public void Update(Action<DeviceState> update) => Update(s => { update(s); return 0; });

    /// <summary>Replaces the whole state (lab reset).</summary>
    public void Replace(DeviceState replacement)
    {
        lock (gate)
        {
            state = replacement;
            changed?.Invoke(state);
        }
    }
}
