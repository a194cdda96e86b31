using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture;

/// <summary>Summarises a pcap file with the same <see cref="TrafficSummariser"/> a live capture uses.</summary>
public static class PcapFileSummariser
{
    /// <summary>
    /// Reads every packet of <paramref name="path"/>. Throws <see cref="CaptureException"/>
    /// (<see cref="CaptureErrorKind.BadFile"/>) for a missing, unreadable, malformed or truncated file.
    /// </summary>
    public static Task<TrafficSummary> SummariseAsync(string path, int top = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Task.Run(() => Summarise(path, top, cancellationToken), cancellationToken);
    }

    private static TrafficSummary Summarise(string path, int top, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CaptureException(CaptureErrorKind.BadFile, $"{path}: no such file");
        }

        using var reader = new CaptureFileReaderDevice(path);
        try
        {
            reader.Open();
        }
        catch (PcapException e)
        {
            throw new CaptureException(CaptureErrorKind.BadFile, $"{path}: not a readable pcap file ({Reason(e.Message)})", e);
        }

        var summariser = new TrafficSummariser();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var status = reader.GetNextPacket(out var capture);
            switch (status)
            {
                case GetPacketStatus.PacketRead:
                    var packet = CapturedPacket.Copy(capture);
                    if (!HasDate(packet.Timeval))
                    {
                        throw new CaptureException(CaptureErrorKind.BadFile,
                            $"{path}: damaged at packet {summariser.Packets + 1} (its timestamp is not a date)");
                    }

                    summariser.Add(packet);
                    break;
                case GetPacketStatus.NoRemainingPackets:
                    return summariser.Summarise(top);
                case GetPacketStatus.ReadTimeout:
                    continue;
                default:
                    throw new CaptureException(CaptureErrorKind.BadFile,
                        $"{path}: damaged after packet {summariser.Packets} ({Reason(reader.LastError)})");
            }
        }
    }

    /// <summary>
    /// A damaged record header can hold a timestamp that <see cref="PosixTimeval.Date"/> cannot convert (it throws
    /// OverflowException); found by fuzzing.
    /// </summary>
    private static bool HasDate(PosixTimeval timeval)
    {
        try
        {
            _ = timeval.Date;
            return true;
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static string Reason(string message) =>
        message.Replace("Unable to open offline adapter: ", "", StringComparison.Ordinal);
}
