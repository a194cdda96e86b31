using System.Globalization;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture;

/// <summary>
/// Writes packets to pcap files with libpcap, beginning a new file before one would pass the size
/// limit and deleting the oldest beyond the count limit, so a capture cannot fill the disk.
/// </summary>
internal sealed class RotatingPcapWriter : IDisposable
{
    private const int FileHeaderBytes = 24;
    private const int RecordHeaderBytes = 16;

    private readonly string _directory;
    private readonly string _prefix;
    private readonly LinkLayers _linkType;
    private readonly int _snapLength;
    private readonly long? _maxFileBytes;
    private readonly int? _maxFiles;
    private readonly Queue<string> _kept = new();
    private readonly string _stamp;
    private CaptureFileWriterDevice? _current;
    private long _currentBytes;
    private long _currentPackets;
    private int _sequence;

    public RotatingPcapWriter(string directory, string prefix, LinkLayers linkType, int snapLength, long? maxFileBytes, int? maxFiles)
    {
        _directory = directory;
        _prefix = prefix;
        _linkType = linkType;
        _snapLength = snapLength;
        _maxFileBytes = maxFileBytes;
        _maxFiles = maxFiles;
        _stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(directory);
    }

    public static long SmallestFileFor(int snapLength) => FileHeaderBytes + RecordHeaderBytes + snapLength;

    /// <summary>The files written and still on disk, oldest first.</summary>
    public IReadOnlyList<string> Files => [.. _kept];

    public int DeletedFiles { get; private set; }

    public void Write(RawCapture packet)
    {
        var record = RecordHeaderBytes + packet.Data.Length;
        if (_current is null || (_currentPackets > 0 && _currentBytes + record > _maxFileBytes))
        {
            Rotate();
        }

        var header = new PcapHeader((uint)packet.Timeval.Seconds, (uint)packet.Timeval.MicroSeconds,
            (uint)packet.PacketLength, (uint)packet.Data.Length);
        _current!.Write(packet.Data, ref header);
        _currentBytes += record;
        _currentPackets++;
    }

    private void Rotate()
    {
        _current?.Close();
        _current = null;
        if (_maxFiles is { } max)
        {
            while (_kept.Count >= max)
            {
                File.Delete(_kept.Dequeue());
                DeletedFiles++;
            }
        }

        _sequence++;
        var path = Path.Combine(_directory, $"{_prefix}-{_stamp}-{_sequence.ToString("D4", CultureInfo.InvariantCulture)}.pcap");
        var device = new CaptureFileWriterDevice(path, FileMode.Create);
        device.Open(new DeviceConfiguration { LinkLayerType = _linkType, Snaplen = _snapLength });
        _current = device;
        _kept.Enqueue(path);
        _currentBytes = FileHeaderBytes;
        _currentPackets = 0;
    }

    public void Dispose()
    {
        _current?.Close();
        _current = null;
    }
}
