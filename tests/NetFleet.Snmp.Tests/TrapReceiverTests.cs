using System.Net;

namespace NetFleet.Snmp.Tests;

/// <summary>net-snmp's snmptrap and snmpinform (v1, v2c, v3 authPriv) into NetFleet's receiver.</summary>
public sealed class TrapReceiverTests : IAsyncLifetime
{
    private const string SenderEngine = "0x80001f8880aabbccddeeff0011";
    private static readonly UsmUser TrapUser = new("trapper", AuthProtocol.HmacSha256, "trap-auth-pass", PrivProtocol.Aes128, "trap-priv-pass");
    private static readonly UsmUser ShaUser = new("shatrapper", AuthProtocol.HmacSha96, "sha-auth-pass");
    private SnmpTrapReceiver receiver = null!;

    public Task InitializeAsync()
    {
        receiver = new SnmpTrapReceiver(new IPEndPoint(IPAddress.Loopback, NetSnmp.FreeUdpPort()),
            new SnmpTrapReceiverOptions { Communities = ["public"], Users = [TrapUser, ShaUser] });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private string Address => $"127.0.0.1:{receiver.Endpoint.Port}";

    private async Task<SnmpNotification> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await receiver.Notifications.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Snmptrap_v2c_linkDown_arrives_with_its_varbinds()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmptrap", "-v2c", "-c", "public", Address, "", "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2", "i", "2");
        Assert.True(exit == 0, errors);
        var trap = await NextAsync();
        Assert.Equal(PduType.TrapV2, trap.Type);
        Assert.Equal("linkDown", MibNames.Format(trap.TrapOid!));
        Assert.Equal(new Variable(MibNames.Parse("ifIndex.2"), new Integer32(2)), trap.Variables.Single());
    }

    [Fact]
    public async Task Snmptrap_v1_generic_trap_is_mapped_to_its_v2_trap_oid()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmptrap", "-v1", "-c", "public", Address, "1.3.6.1.4.1.8072", "127.0.0.1", "3", "0", "");
        Assert.True(exit == 0, errors);
        var trap = await NextAsync();
        Assert.Equal(SnmpVersion.V1, trap.Version);
        Assert.Equal("linkUp", MibNames.Format(trap.TrapOid!));
    }

    [Fact]
    public async Task Snmptrap_v3_authPriv_with_the_senders_engine_id_is_accepted()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmptrap", "-v3", "-e", SenderEngine, "-l", "authPriv", "-u", TrapUser.Name,
            "-a", "SHA-256", "-A", "trap-auth-pass", "-x", "AES", "-X", "trap-priv-pass", Address, "", "1.3.6.1.6.3.1.1.5.1",
            "1.3.6.1.2.1.1.5.0", "s", "core-1");
        Assert.True(exit == 0, errors);
        var trap = await NextAsync();
        Assert.Equal("trapper", trap.User);
        Assert.Equal(SenderEngine[2..], Convert.ToHexString(trap.EngineId!), ignoreCase: true);
        Assert.Equal("coldStart", MibNames.Format(trap.TrapOid!));
        Assert.Equal("core-1", trap.Variables.Single().Value.ToString());
    }

    [Fact]
    public async Task Snmptrap_v3_authNoPriv_sha1_is_accepted()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmptrap", "-v3", "-e", "0x80001f88801122334455", "-l", "authNoPriv", "-u", ShaUser.Name,
            "-a", "SHA", "-A", "sha-auth-pass", Address, "", "1.3.6.1.6.3.1.1.5.4");
        Assert.True(exit == 0, errors);
        Assert.Equal("linkUp", MibNames.Format((await NextAsync()).TrapOid!));
    }

    [Fact]
    public async Task Snmptrap_v3_with_a_wrong_password_is_dropped_and_counted()
    {
        await NetSnmp.RunAsync("snmptrap", "-v3", "-e", SenderEngine, "-l", "authPriv", "-u", TrapUser.Name,
            "-a", "SHA-256", "-A", "not-the-password", "-x", "AES", "-X", "trap-priv-pass", Address, "", "1.3.6.1.6.3.1.1.5.1");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (receiver.Drops.Total == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(receiver.Drops.ByReason.Keys, k => k.Contains("WrongDigest", StringComparison.Ordinal));
        Assert.False(receiver.Notifications.TryRead(out _));
    }

    [Fact]
    public async Task Snmpinform_v2c_is_acknowledged()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmpinform", "-v2c", "-c", "public", "-r", "0", "-t", "3", Address, "", "1.3.6.1.6.3.1.1.5.2");
        Assert.True(exit == 0, errors);
        Assert.Equal(PduType.Inform, (await NextAsync()).Type);
    }

    [Fact]
    public async Task Snmpinform_v3_authPriv_discovers_the_receiver_and_is_acknowledged()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmpinform", "-v3", "-l", "authPriv", "-u", TrapUser.Name, "-a", "SHA-256", "-A", "trap-auth-pass",
            "-x", "AES", "-X", "trap-priv-pass", "-r", "0", "-t", "3", Address, "", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.3", "i", "3");
        Assert.True(exit == 0, errors);
        var inform = await NextAsync();
        Assert.Equal(PduType.Inform, inform.Type);
        Assert.Equal("trapper", inform.User);
    }
}
