using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace NetFleet.Snmp.Tests;

/// <summary>
/// Feeds the decoder, the USM and the agent random and mutated packets: the only failure allowed
/// is a counted <see cref="SnmpDecodeException"/> (or a USM refusal); nothing crashes or hangs.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int RandomInputs = 20_000;
    private const int MutationsPerSeed = 10_000;

    private static readonly UsmUser User = new("fuzz", AuthProtocol.HmacSha256, "fuzz-auth-pass", PrivProtocol.Aes128, "fuzz-priv-pass");

    private static List<byte[]> Seeds()
    {
        var engine = SnmpAgent.EngineIdFor("fuzz");
        var vars = new List<Variable>
        {
            new(MibNames.Parse("sysDescr.0"), SnmpValue.FromString("a device")),
            new(MibNames.Parse("ifHCInOctets.1"), new Counter64(1234567890123)),
            new(MibNames.Parse("ifInOctets.1"), new Counter32(4000000000)),
            new(MibNames.Parse("sysObjectID.0"), new ObjectIdentifier(Oid.Parse("1.3.6.1.4.1.9.1.1045"))),
        };
        return
        [
            SnmpCodec.EncodeCommunity(SnmpVersion.V1, "public", new Pdu(PduType.Get, 1, 0, 0, vars)),
            SnmpCodec.EncodeCommunity(SnmpVersion.V2c, "public", new Pdu(PduType.GetBulk, 2, 0, 10, vars)),
            SnmpCodec.EncodeCommunity(SnmpVersion.V1, "public", new Pdu(PduType.TrapV1, 0, 0, 0, vars)
            {
                Trap = new TrapV1Fields(Oid.Parse("1.3.6.1.4.1.8072"), IPAddress.Loopback, 2, 0, 100),
            }),
            SnmpCodec.EncodeV3(new V3Envelope(3, 65507, true, SecurityLevel.NoAuthNoPriv, [], 0, 0, "", [], []), new Pdu(PduType.Get, 3, 0, 0, []), null),
            SnmpCodec.EncodeV3(new V3Envelope(4, 65507, true, SecurityLevel.AuthPriv, engine, 1, 5, User.Name, engine, []),
                new Pdu(PduType.Get, 4, 0, 0, vars), User),
        ];
    }

    [Fact]
    public void Decoder_survives_random_and_mutated_packets()
    {
        var random = new Random(7);
        var agent = new SnmpAgent(new SortedMibView([MibEntry.Constant(MibNames.Parse("sysName.0"), SnmpValue.FromString("fuzz"))]),
            new SnmpAgentOptions { Users = [User], EngineId = SnmpAgent.EngineIdFor("fuzz") });
        var from = new IPEndPoint(IPAddress.Loopback, 1);
        long inputs = 0, rejected = 0, decoded = 0;

        void Feed(byte[] packet)
        {
            inputs++;
            try
            {
                var message = SnmpCodec.Decode(packet);
                decoded++;
                if (message.Version == SnmpVersion.V3 && message.Usm!.UserName == User.Name)
                {
                    _ = SnmpCodec.Unprotect(message, packet, User);
                }
            }
            catch (SnmpDecodeException)
            {
                rejected++;
            }

            try
            {
                _ = agent.Handle(packet, from);
            }
            catch (SnmpDecodeException)
            {
                // Counted by the receive loop in a running agent.
            }
        }

        for (var i = 0; i < RandomInputs; i++)
        {
            var packet = new byte[random.Next(0, 300)];
            random.NextBytes(packet);
            if (packet.Length > 2 && random.Next(2) == 0)
            {
                packet[0] = 0x30;
                packet[1] = (byte)Math.Min(packet.Length - 2, 127);
            }

            Feed(packet);
        }

        foreach (var seed in Seeds())
        {
            for (var i = 0; i < MutationsPerSeed; i++)
            {
                Feed(Mutate(seed, random));
            }
        }

        output.WriteLine($"fuzz inputs: {inputs}, decoded: {decoded}, rejected with a reason: {rejected}");
        Assert.Equal(RandomInputs + (Seeds().Count * MutationsPerSeed), inputs);
        Assert.True(rejected > inputs / 2);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes[at] = (byte)(random.Next(2) == 0 ? 0x84 : 0xff);
                    break;
            }
        }

        return [.. bytes];
    }

    [Fact]
    public async Task Agent_drops_garbage_with_a_counted_reason_and_keeps_answering()
    {
        var port = NetSnmp.FreeUdpPort();
        await using var agent = new SnmpAgent(new SortedMibView([MibEntry.Constant(MibNames.Parse("sysName.0"), SnmpValue.FromString("still here"))]));
        agent.Start(new IPEndPoint(IPAddress.Loopback, port));
        using (var udp = new UdpClient())
        {
            var random = new Random(1);
            for (var i = 0; i < 200; i++)
            {
                var junk = new byte[random.Next(1, 100)];
                random.NextBytes(junk);
                await udp.SendAsync(junk, new IPEndPoint(IPAddress.Loopback, port));
            }

            await udp.SendAsync(SnmpCodec.EncodeCommunity(SnmpVersion.V2c, "wrong", new Pdu(PduType.Get, 1, 0, 0, [])), new IPEndPoint(IPAddress.Loopback, port));
        }

        await using var manager = new SnmpManager();
        var result = await manager.GetAsync(new SnmpTarget(new IPEndPoint(IPAddress.Loopback, port)), [MibNames.Parse("sysName.0")]);
        Assert.Equal("still here", result[0].Value.ToString());
        Assert.Equal(201, agent.Drops.Total);
        Assert.Equal(1, agent.Drops.ByReason["unknown community"]);
        output.WriteLine($"agent: 201 bad datagrams sent, {agent.Drops.Total} dropped with a reason, then a good request answered");
        output.WriteLine(string.Join(Environment.NewLine, agent.Drops.ByReason.Select(kv => $"{kv.Value,5} {kv.Key}")));
    }
}
