namespace NetFleet.Capture;

public enum CaptureErrorKind
{
    InvalidOptions,
    UnknownInterface,

    /// <summary>The capture's network namespace does not exist.</summary>
    UnknownNamespace,
    NotPermitted,
    BadFilter,
    DeviceFailed,
    BadFile,
}

/// <summary>A capture that could not start, or a file that could not be read, with a message for people.</summary>
public sealed class CaptureException : Exception
{
    public CaptureException(CaptureErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public CaptureErrorKind Kind { get; }

    /// <summary>For <see cref="CaptureErrorKind.UnknownInterface"/>: the interfaces that do exist.</summary>
    public IReadOnlyList<string> AvailableInterfaces { get; init; } = [];
}
