using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;

namespace NetFleet.Actors.Devices;

/// <summary>
/// The messages a <see cref="DeviceActor"/> understands and sends. Every command names its device, entity-style,
/// so the <see cref="DeviceRegistry"/> can be replaced by Cluster Sharding without touching the actors.
/// </summary>
public static class DeviceProtocol
{
    /// <summary>A message routed by device name.</summary>
    public interface IDeviceMessage
    {
        string Device { get; }
    }

    /// <summary>Carry out one device request. The device runs one at a time and queues the rest; the reply
    /// (<see cref="DeviceRequestCompleted"/> or <see cref="DeviceRequestFailed"/>) goes to the sender.</summary>
    /// <param name="Connection">How to reach the device; a session opened with other options is reopened.</param>
    /// <param name="Check">Check mode: configuration is compared with the running config, not applied.</param>
    /// <param name="Timeout">How long the device may take; the session is unusable afterwards.</param>
    /// <param name="IdleTimeout">How long the session stays open once the device has nothing left to do.</param>
    public sealed record RunDeviceRequest(
        string Device,
        long RequestId,
        string JobId,
        DeviceConnectionOptions Connection,
        DeviceRequest Request,
        bool Check,
        TimeSpan? Timeout,
        TimeSpan IdleTimeout) : IDeviceMessage;

    /// <summary>Close the session now (if open) and forget any open circuit.</summary>
    public sealed record CloseSession(string Device) : IDeviceMessage;

    /// <summary>Ask whether a session is open; answered with <see cref="SessionStatus"/>.</summary>
    public sealed record GetSessionStatus(string Device) : IDeviceMessage;

    /// <summary>A sharded device took a request (sent back to the sender on arrival); <paramref name="At"/> is its node.</summary>
    public sealed record DeviceRequestAccepted(string Device, string JobId, long RequestId, Akka.Actor.Address At);

    public sealed record SessionStatus(string Device, bool Open, bool CircuitOpen, int Queued);

    public sealed record DeviceRequestCompleted(
        string Device,
        long RequestId,
        string? Output,
        bool Changed,
        string? Diff,
        TimeSpan Elapsed,
        TimeSpan Waited)
    {
        /// <summary>Structured results beside <see cref="Output"/> (SNMP variables, poll samples and rates), merged into the
        /// task's registered result.</summary>
        public IReadOnlyDictionary<string, object?>? Data { get; init; }

        /// <summary>How a configuration change was made (replace, merge, none); null for anything else.</summary>
        public string? Strategy { get; init; }
    }

    public enum FailureKind
    {
        /// <summary>The session could not be opened: refused, no route, authentication, host key, circuit open.</summary>
        Unreachable,
        /// <summary>The connection dropped during the request.</summary>
        Dropped,
        /// <summary>The device did not answer in time.</summary>
        TimedOut,
        /// <summary>The device refused a command, or the output did not match <c>expect</c>.</summary>
        Rejected,
    }

    /// <param name="Attempts">Connection attempts made for this request (0 when the circuit was open).</param>
    public sealed record DeviceRequestFailed(
        string Device,
        long RequestId,
        FailureKind Kind,
        string Message,
        TimeSpan Elapsed,
        int Attempts);
}
