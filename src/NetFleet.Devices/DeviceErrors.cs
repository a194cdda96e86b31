namespace NetFleet.Devices;

/// <summary>
/// Why a device operation failed. Callers decide on retries from <see cref="Retryable"/> and never
/// from the message: an authentication failure or a rejected command fails the same way twice,
/// an unreachable or timed-out device may answer next time. Messages never contain secrets.
/// </summary>
public abstract class DeviceException(string device, string message, Exception? inner = null)
    : Exception($"{device}: {message}", inner)
{
    /// <summary>The device as the caller named it (host or inventory name).</summary>
    public string Device { get; } = device;

    /// <summary>True when trying again later may succeed.</summary>
    public abstract bool Retryable { get; }
}

/// <summary>The device (or the jump host) refused the credentials. Never retried: retrying locks accounts.</summary>
public sealed class DeviceAuthenticationException(string device, string message, Exception? inner = null)
    : DeviceException(device, message, inner)
{
    public override bool Retryable => false;
}

/// <summary>The host key could not be verified: unknown host without trust-on-first-use, or a changed key.</summary>
public sealed class HostKeyVerificationException(
    string device, string host, string? expectedFingerprint, string presentedFingerprint, string message)
    : DeviceException(device, message)
{
    /// <summary>The host as written in known_hosts (<c>name</c> or <c>[name]:port</c>).</summary>
    public string Host { get; } = host;

    /// <summary><c>SHA256:…</c> of the key on file; null when the host is unknown.</summary>
    public string? ExpectedFingerprint { get; } = expectedFingerprint;

    /// <summary><c>SHA256:…</c> of the key the server presented.</summary>
    public string PresentedFingerprint { get; } = presentedFingerprint;

    /// <summary>True when the host was on file with a different key (a possible attack), false when unknown.</summary>
    public bool IsMismatch => ExpectedFingerprint is not null;

    public override bool Retryable => false;
}

/// <summary>The device could not be reached: refused, no route, name not found, no SSH banner in time.</summary>
public sealed class DeviceUnreachableException(string device, string message, Exception? inner = null)
    : DeviceException(device, message, inner)
{
    public override bool Retryable => true;
}

/// <summary>The device did not answer within the operation's timeout. The session is unusable afterwards.</summary>
public sealed class DeviceTimeoutException(string device, string operation, TimeSpan timeout, string lastOutput)
    : DeviceException(device, $"no prompt within {timeout.TotalSeconds:0.###} s after '{operation}'; last output: '{lastOutput}'")
{
    public string Operation { get; } = operation;
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The tail of what the device sent before it went quiet.</summary>
    public string LastOutput { get; } = lastOutput;

    public override bool Retryable => true;
}

/// <summary>The connection ended while an operation was in progress (no SSH goodbye, or the shell closed).
/// A configuration change may have been partly applied.</summary>
public sealed class DeviceConnectionDroppedException(string device, string operation, Exception? inner = null)
    : DeviceException(device, $"the connection dropped during '{operation}'", inner)
{
    public string Operation { get; } = operation;
    public override bool Retryable => true;
}

/// <summary>The device answered a command with an error in its own words. Retrying sends the same
/// command and gets the same answer.</summary>
public sealed class CommandRejectedException(string device, string command, string deviceMessage)
    : DeviceException(device, $"'{command}' was rejected: {deviceMessage}")
{
    public string Command { get; } = command;

    /// <summary>What the device printed, e.g. <c>% Invalid input detected at '^' marker.</c></summary>
    public string DeviceMessage { get; } = deviceMessage;

    public override bool Retryable => false;
}

/// <summary>A privilege level could not be reached, e.g. the enable secret was wrong or missing.</summary>
public sealed class PrivilegeEscalationException(string device, string level, string message)
    : DeviceException(device, $"could not enter {level}: {message}")
{
    public string Level { get; } = level;
    public override bool Retryable => false;
}

/// <summary>The driver was used wrongly: not open, already broken by an earlier failure, unknown platform.</summary>
public sealed class DeviceStateException(string device, string message) : DeviceException(device, message)
{
    public override bool Retryable => false;
}
