using System.Net;

namespace NetFleet.Snmp.Tests;

public sealed class CodecTests
{
    [Fact]
    public void Password_to_key_and_localisation_match_RFC_3414_A_3_2_for_SHA1()
    {
        var master = Usm.PasswordToKey(AuthProtocol.HmacSha96, "maplesyrup");
        Assert.Equal("9FB5CC0381497B3793528939FF788D5D79145211", Convert.ToHexString(master));
        var local = Usm.Localize(AuthProtocol.HmacSha96, master, Convert.FromHexString("000000000000000000000002"));
        Assert.Equal("6695FEBC9288E36282235FC7151F128497B38F3F", Convert.ToHexString(local));
    }

    [Fact]
    public void Values_round_trip_through_a_v2c_message_including_edge_numbers()
    {
        Variable[] variables =
        [
            new(Oid.Parse("1.3.6.1.2.1.1.1.0"), SnmpValue.FromString("héllo")),
            new(Oid.Parse("1.3.6.1.4.1.4294967295.0"), new Integer32(int.MinValue)),
            new(Oid.Parse("2.999.1"), new Integer32(int.MaxValue)),
            new(Oid.Parse("1.3.6.1.2.1.2.2.1.10.1"), new Counter32(uint.MaxValue)),
            new(Oid.Parse("1.3.6.1.2.1.31.1.1.1.6.1"), new Counter64(ulong.MaxValue)),
            new(Oid.Parse("1.3.6.1.2.1.1.3.0"), new TimeTicks(123456)),
            new(Oid.Parse("1.3.6.1.2.1.4.20.1.1.10.0.0.1"), new IpAddress(IPAddress.Parse("10.0.0.1"))),
            new(Oid.Parse("1.3.6.1.2.1.1.2.0"), new ObjectIdentifier(Oid.Parse("1.3.6.1.4.1.9.1.1045"))),
            new(Oid.Parse("1.3.6.1.2.1.1.9.0"), NoSuchObject.Instance),
            new(Oid.Parse("1.3.6.1.2.1.1.9.1"), EndOfMibView.Instance),
            new(Oid.Parse("1.3.6.1.2.1.1.9.2"), new Gauge32(0)),
        ];
        var bytes = SnmpCodec.EncodeCommunity(SnmpVersion.V2c, "public", new Pdu(PduType.Response, 42, 0, 0, variables));
        var decoded = SnmpCodec.Decode(bytes);
        Assert.Equal(SnmpVersion.V2c, decoded.Version);
        Assert.Equal("public", decoded.CommunityText);
        Assert.Equal(42, decoded.Pdu!.RequestId);
        Assert.Equal(variables, decoded.Pdu.Variables);
    }

    [Theory]
    [InlineData(SecurityLevel.NoAuthNoPriv)]
    [InlineData(SecurityLevel.AuthNoPriv)]
    [InlineData(SecurityLevel.AuthPriv)]
    public void V3_messages_round_trip_and_a_flipped_byte_fails_the_digest(SecurityLevel level)
    {
        var user = level switch
        {
            SecurityLevel.NoAuthNoPriv => new UsmUser("plain"),
            SecurityLevel.AuthNoPriv => new UsmUser("auth", AuthProtocol.HmacSha96, "authpassword"),
            _ => new UsmUser("priv", AuthProtocol.HmacSha256, "authpassword", PrivProtocol.Aes128, "privpassword"),
        };
        var engine = SnmpAgent.EngineIdFor("router-1");
        var pdu = new Pdu(PduType.Get, 7, 0, 0, [new Variable(MibNames.Parse("sysName.0"), Null.Instance)]);
        var bytes = SnmpCodec.EncodeV3(new V3Envelope(7, 65507, true, level, engine, 3, 1000, user.Name, engine, []), pdu, user);
        var decoded = SnmpCodec.Decode(bytes);
        Assert.Null(SnmpCodec.Unprotect(decoded, bytes, user));
        Assert.Equal(pdu.Variables, decoded.Pdu!.Variables);
        Assert.Equal(3, decoded.Usm!.Boots);

        if (level != SecurityLevel.NoAuthNoPriv)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[^3] ^= 0x01;
            Assert.Equal(UsmFailure.WrongDigest, SnmpCodec.Unprotect(SnmpCodec.Decode(tampered), tampered, user));
        }
    }

    [Theory]
    [InlineData("sysDescr.0", "1.3.6.1.2.1.1.1.0")]
    [InlineData("SNMPv2-MIB::sysUpTime.0", "1.3.6.1.2.1.1.3.0")]
    [InlineData("ifHCInOctets.3", "1.3.6.1.2.1.31.1.1.1.6.3")]
    [InlineData("IF-MIB::ifInOctets.12", "1.3.6.1.2.1.2.2.1.10.12")]
    [InlineData("ifTable", "1.3.6.1.2.1.2.2")]
    [InlineData(".1.3.6.1.4.1.9.9", "1.3.6.1.4.1.9.9")]
    public void Names_parse_to_numeric_oids(string name, string numeric) =>
        Assert.Equal(Oid.Parse(numeric), MibNames.Parse(name));

    [Theory]
    [InlineData("1.3.6.1.2.1.1.5.0", "sysName.0")]
    [InlineData("1.3.6.1.2.1.31.1.1.1.10.7", "ifHCOutOctets.7")]
    [InlineData("1.3.6.1.2.1.2.2.1.2.1", "ifDescr.1")]
    [InlineData("1.3.6.1.4.1.9.1.1045", "1.3.6.1.4.1.9.1.1045")]
    public void Oids_format_with_the_most_specific_name(string numeric, string name) =>
        Assert.Equal(name, MibNames.Format(Oid.Parse(numeric)));

    [Fact]
    public void Unknown_names_are_rejected() => Assert.False(MibNames.TryParse("ifBogus.1", out _));

    [Fact]
    public void Oids_order_as_snmp_walks_them()
    {
        Assert.True(Oid.Parse("1.3.6.1.2.1.2.2.1.2") < Oid.Parse("1.3.6.1.2.1.2.2.1.10"));
        Assert.True(Oid.Parse("1.3.6.1") < Oid.Parse("1.3.6.1.0"));
    }

    [Fact]
    public void Sorted_view_answers_get_next_and_distinguishes_missing_instances()
    {
        var view = new SortedMibView([
            MibEntry.Constant(Oid.Parse("1.3.6.1.2.1.1.1.0"), SnmpValue.FromString("a")),
            MibEntry.Constant(Oid.Parse("1.3.6.1.2.1.1.5.0"), SnmpValue.FromString("b")),
        ]);
        Assert.Equal(Oid.Parse("1.3.6.1.2.1.1.5.0"), view.GetNext(Oid.Parse("1.3.6.1.2.1.1.1.0"))!.Oid);
        Assert.Null(view.GetNext(Oid.Parse("1.3.6.1.2.1.1.5.0")));
        Assert.IsType<NoSuchInstance>(view.Get(Oid.Parse("1.3.6.1.2.1.1.5.1")));
        Assert.IsType<NoSuchObject>(view.Get(Oid.Parse("1.3.6.1.4.1.1.0")));
    }
}
