using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;
using Xunit.Abstractions;

namespace NetFleet.Capture.Tests;

/// <summary>
/// Real pcap files (written by the capture engine's <see cref="RotatingPcapWriter"/>), damaged thousands of ways: every damaged
/// file either summarises or fails with a <see cref="CaptureErrorKind.BadFile"/> error that names the file —
/// no other exception, no hang.
/// </summary>
public sealed class PcapFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int MutationsPerSeed = 2000;
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(20);
    private static readonly uint[] Interesting = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 262_144, 262_145];
    private readonly ScratchDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Damaged_pcap_files_summarise_or_fail_with_a_bad_file_error_never_crash_or_hang()
    {
        var seeds = Seeds();
        var random = new Random(20261125);
        int tried = 0, summarised = 0, rejected = 0;
        var failures = new List<string>();
        var path = dir.File("fuzzed.pcap");
        foreach (var (name, seed) in seeds)
        {
            for (var i = 0; i < MutationsPerSeed; i++)
            {
                var (mutation, bytes) = Mutate(seed, random);
                await File.WriteAllBytesAsync(path, bytes);
                tried++;
                try
                {
                    var summary = await PcapFileSummariser.SummariseAsync(path).WaitAsync(PerFileLimit);
                    Assert.True(summary.Packets >= 0);
                    summarised++;
                }
                catch (CaptureException e) when (e.Kind == CaptureErrorKind.BadFile && e.Message.Contains(path, StringComparison.Ordinal))
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    failures.Add($"{name} / {mutation}: {e}");
                }
            }
        }

        output.WriteLine($"pcap files: {tried} damaged inputs tried from {seeds.Count} real files: {summarised} summarised, "
            + $"{rejected} rejected with a BadFile error, {failures.Count} other outcomes");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.Equal(seeds.Count * MutationsPerSeed, tried);
        Assert.True(rejected > 0 && summarised > 0, $"{rejected} rejected, {summarised} summarised: the mutations should produce both");
    }

    [Fact]
    public async Task A_record_whose_timestamp_is_not_a_date_is_a_bad_file_error_naming_the_packet()
    {
        var bytes = await File.ReadAllBytesAsync(Write("dated.pcap", [Udp("10.0.0.1", 1, "10.0.0.2", 2, 10), Udp("10.0.0.1", 1, "10.0.0.2", 2, 10)]));
        // The second record's seconds (file header 24 bytes, record header 16, first packet 52): libpcap sign-extends
        // them, which SharpPcap cannot turn into a date — found by the fuzz test above.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 16 + 52, 4), 0xF0000000);
        var path = dir.File("undated.pcap");
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<CaptureException>(() => PcapFileSummariser.SummariseAsync(path));

        Assert.Equal(CaptureErrorKind.BadFile, error.Kind);
        Assert.Equal($"{path}: damaged at packet 2 (its timestamp is not a date)", error.Message);
    }

    /// <summary>One damage to a copy of <paramref name="seed"/>, named for the failure message.</summary>
    private static (string Mutation, byte[] Bytes) Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var at = random.Next(bytes.Length);
        switch (random.Next(8))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                return ($"bit flip at {at}", bytes);
            case 1:
                bytes[at] = (byte)Interesting[random.Next(5)];
                return ($"byte {bytes[at]} at {at}", bytes);
            case 2:
            {
                // A 32-bit field (a length, a timestamp, the link type) set to an edge value, in either byte order.
                at = Math.Min(at, bytes.Length - 4);
                var value = Interesting[random.Next(Interesting.Length)];
                var span = bytes.AsSpan(at, 4);
                if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(span, value);
                else BinaryPrimitives.WriteUInt32BigEndian(span, value);
                return ($"u32 {value} at {at}", bytes);
            }
            case 3:
                return ($"cut at {at}", bytes[..at]);
            case 4:
            {
                var junk = new byte[random.Next(1, 64)];
                random.NextBytes(junk);
                return ($"{junk.Length} random bytes inserted at {at}", [.. bytes[..at], .. junk, .. bytes[at..]]);
            }
            case 5:
            {
                var length = Math.Min(random.Next(1, 200), bytes.Length - at);
                return ($"{length} bytes at {at} doubled", [.. bytes[..(at + length)], .. bytes[at..]]);
            }
            case 6:
            {
                // The file header's link type (offset 20): decoders other than Ethernet's get these bytes.
                var linkType = (uint)random.Next(0, 300);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20, 4), linkType);
                return ($"link type {linkType}", bytes);
            }
            default:
            {
                var count = random.Next(2, 32);
                for (var i = 0; i < count; i++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return ($"{count} random bytes overwritten", bytes);
            }
        }
    }

    /// <summary>Files as a capture writes them: TCP handshakes and data, UDP (SNMP, syslog), ICMP, IPv6, packets cut by the snap length.</summary>
    private List<(string Name, byte[] Bytes)> Seeds()
    {
        var mixed = Enumerable.Range(0, 12).SelectMany(i => new[]
        {
            Tcp("10.0.0.1", (ushort)(40000 + i), "10.0.0.2", 22, 0, syn: true),
            Tcp("10.0.0.2", 22, "10.0.0.1", (ushort)(40000 + i), 0, syn: true, ack: true),
            Tcp("10.0.0.1", (ushort)(40000 + i), "10.0.0.2", 22, 64 * i, ack: true),
            Udp("10.0.0.3", 5000, "10.0.0.2", 161, 40 + i),
        }).ToList();
        var ipv6 = Enumerable.Range(0, 8).Select(i => Ethernet(new IPv6Packet(IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2"))
        {
            PayloadPacket = new UdpPacket(514, (ushort)(514 + i)) { PayloadData = new byte[20 + i] },
        })).ToList();
        var icmp = Enumerable.Range(0, 8).Select(i => Ethernet(new IPv4Packet(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.9"))
        {
            PayloadPacket = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(new byte[8 + i])),
        })).ToList();
        return
        [
            ("tcp and udp", File.ReadAllBytes(Write("mixed.pcap", mixed))),
            ("ipv6 udp", File.ReadAllBytes(Write("ipv6.pcap", ipv6))),
            ("icmp", File.ReadAllBytes(Write("icmp.pcap", icmp))),
            ("cut by snap length", File.ReadAllBytes(Write("snap.pcap", mixed, snapLength: 60))),
            ("one packet", File.ReadAllBytes(Write("one.pcap", [mixed[0]]))),
        ];
    }

    /// <summary>Writes with the capture engine's own pcap writer, cutting packets at the snap length as a capture does.</summary>
    private string Write(string name, IEnumerable<byte[]> packets, int snapLength = 65_535)
    {
        var folder = dir.File(Path.GetFileNameWithoutExtension(name));
        using (var writer = new RotatingPcapWriter(folder, "seed", LinkLayers.Ethernet, snapLength, maxFileBytes: null, maxFiles: null))
        {
            var time = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
            foreach (var packet in packets)
            {
                writer.Write(new RawCapture(LinkLayers.Ethernet, new PosixTimeval(time), packet[..Math.Min(packet.Length, snapLength)], packet.Length));
                time = time.AddMilliseconds(10);
            }
        }

        return Directory.GetFiles(folder).Single();
    }

    private static byte[] Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, int payload, bool syn = false, bool ack = false) =>
        Ethernet(new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            PayloadPacket = new TcpPacket(sourcePort, destinationPort) { Synchronize = syn, Acknowledgment = ack, PayloadData = new byte[payload] },
        });

    private static byte[] Udp(string source, ushort sourcePort, string destination, ushort destinationPort, int payload) =>
        Ethernet(new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            PayloadPacket = new UdpPacket(sourcePort, destinationPort) { PayloadData = new byte[payload] },
        });

    private static byte[] Ethernet(IPPacket ip)
    {
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("02-00-00-00-00-01"), PhysicalAddress.Parse("02-00-00-00-00-02"),
            ip is IPv6Packet ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        return ethernet.Bytes;
    }
}
