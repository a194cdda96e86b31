using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture;

internal static class CapturedPacket
{
    /// <summary>
    /// Copies a packet out of libpcap's buffer keeping its length on the wire, which
    /// <see cref="PacketCapture.GetPacket"/> replaces with the captured length.
    /// </summary>
    public static RawCapture Copy(in PacketCapture capture)
    {
        var data = capture.Data.ToArray();
        var wire = capture.Header is PcapHeader header ? (int)header.PacketLength : data.Length;
        return new RawCapture(capture.Device.LinkType, capture.Header.Timeval, data, Math.Max(wire, data.Length));
    }
}
