namespace NetFleet.Snmp.Tests;

/// <summary>NetFleet's manager against Debian's snmpd (v2c, v3 authNoPriv SHA-1, v3 authPriv SHA-256/AES).</summary>
public sealed class ManagerAgainstSnmpdTests(SnmpdFixture snmpd) : IClassFixture<SnmpdFixture>, IAsyncLifetime
{
    private readonly SnmpManager manager = new();

    private SnmpTarget V2c(string community = "public") => new(snmpd.Endpoint, SnmpVersion.V2c, community);

    private SnmpTarget V3(UsmUser user) => new(snmpd.Endpoint, SnmpVersion.V3, "", user);

    private static UsmUser Sha => new(SnmpdFixture.ShaUser, AuthProtocol.HmacSha96, SnmpdFixture.ShaPassword);

    private static UsmUser Sha256Aes => new(SnmpdFixture.PrivUser, AuthProtocol.HmacSha256, SnmpdFixture.AuthPassword,
        PrivProtocol.Aes128, SnmpdFixture.PrivPassword);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await manager.DisposeAsync();

    [Fact]
    public async Task V2c_get_by_name_returns_snmpd_system_group()
    {
        var result = await manager.GetAsync(V2c(), [MibNames.Parse("sysDescr.0"), MibNames.Parse("sysLocation.0")]);
        Assert.StartsWith("Linux", result[0].Value.ToString());
        Assert.Equal("NetFleet test rack", result[1].Value.ToString());
        Assert.Equal("sysDescr.0", MibNames.Format(result[0].Oid));
    }

    [Fact]
    public async Task V2c_get_of_a_missing_object_returns_noSuchObject()
    {
        var result = await manager.GetAsync(V2c(), [Oid.Parse("1.3.6.1.2.1.1.99.0")]);
        Assert.True(result[0].Value is NoSuchObject or NoSuchInstance);
    }

    [Fact]
    public async Task V2c_walk_and_bulk_walk_of_ifTable_agree_and_stay_in_the_subtree()
    {
        var root = MibNames.Parse("ifTable");
        var walked = await manager.WalkAsync(V2c(), root).ToListAsync();
        var bulk = await manager.BulkWalkAsync(V2c(), root, 7).ToListAsync();
        Assert.NotEmpty(walked);
        Assert.All(walked, v => Assert.True(v.Oid.StartsWith(root)));
        Assert.Equal(walked.Select(v => v.Oid), bulk.Select(v => v.Oid));
    }

    [Fact]
    public async Task Walk_at_the_end_of_the_mib_stops_on_endOfMibView()
    {
        var vars = await manager.BulkWalkAsync(V2c(), Oid.Parse("1.3.6.1.6.3.16.1.5.2.1.6"), 50).ToListAsync();
        var all = await manager.WalkAsync(V2c(), Oid.Parse("1.3.6.1.6.3.16.1.5.2.1.6")).ToListAsync();
        Assert.Equal(all.Count, vars.Count);
    }

    [Fact]
    public async Task Walking_an_instance_returns_that_instance()
    {
        var walked = await manager.BulkWalkAsync(V2c(), MibNames.Parse("sysLocation.0")).ToListAsync();
        Assert.Equal("NetFleet test rack", Assert.Single(walked).Value.ToString());
        Assert.Single(await manager.WalkAsync(V2c(), MibNames.Parse("sysLocation.0")).ToListAsync());
    }

    [Fact]
    public async Task V2c_set_with_the_write_community_changes_sysContact()
    {
        var contact = MibNames.Parse("sysContact.0");
        await manager.SetAsync(V2c("private"), [new Variable(contact, SnmpValue.FromString("noc@netfleet.test"))]);
        var result = await manager.GetAsync(V2c(), [contact]);
        Assert.Equal("noc@netfleet.test", result[0].Value.ToString());
    }

    [Fact]
    public async Task V1_get_next_and_get_bulk_fallback_walk_work()
    {
        var target = V2c() with { Version = SnmpVersion.V1 };
        var next = await manager.GetNextAsync(target, [MibNames.Parse("system")]);
        Assert.Equal(MibNames.Parse("sysDescr.0"), next[0].Oid);
        var walked = await manager.BulkWalkAsync(target, MibNames.Parse("system")).ToListAsync();
        Assert.Contains(walked, v => MibNames.Format(v.Oid) == "sysName.0");
    }

    [Fact]
    public async Task V3_authNoPriv_sha1_discovers_the_engine_and_gets()
    {
        var result = await manager.GetAsync(V3(Sha), [MibNames.Parse("sysName.0")]);
        Assert.IsType<OctetString>(result[0].Value);
        Assert.NotNull(manager.EngineIdOf(snmpd.Endpoint));
    }

    [Fact]
    public async Task V3_authPriv_sha256_aes_bulk_walks_and_sets()
    {
        var walked = await manager.BulkWalkAsync(V3(Sha256Aes), MibNames.Parse("ifXTable"), 20).ToListAsync();
        Assert.Contains(walked, v => MibNames.Format(v.Oid).StartsWith("ifHCInOctets.", StringComparison.Ordinal));
        var name = MibNames.Parse("sysName.0");
        await manager.SetAsync(V3(Sha256Aes), [new Variable(name, SnmpValue.FromString("netfleet-v3"))]);
        Assert.Equal("netfleet-v3", (await manager.GetAsync(V3(Sha256Aes), [name]))[0].Value.ToString());
    }

    [Fact]
    public async Task V3_wrong_auth_password_is_reported_as_wrongDigest()
    {
        var wrong = new UsmUser(SnmpdFixture.ShaUser, AuthProtocol.HmacSha96, "not-the-password");
        var error = await Assert.ThrowsAsync<SnmpAuthenticationException>(() => manager.GetAsync(V3(wrong), [MibNames.Parse("sysName.0")]));
        Assert.Equal(UsmFailure.WrongDigest, error.Failure);
    }

    [Fact]
    public async Task V3_unknown_user_is_reported_as_unknownUserName()
    {
        var stranger = new UsmUser("nobody", AuthProtocol.HmacSha96, "whatever-password");
        var error = await Assert.ThrowsAsync<SnmpAuthenticationException>(() => manager.GetAsync(V3(stranger), [MibNames.Parse("sysName.0")]));
        Assert.Equal(UsmFailure.UnknownUserName, error.Failure);
    }

    [Fact]
    public async Task Wrong_community_times_out_after_the_retries()
    {
        var target = V2c("wrong") with { Timeout = TimeSpan.FromMilliseconds(100), Retries = 1 };
        await Assert.ThrowsAsync<SnmpTimeoutException>(() => manager.GetAsync(target, [MibNames.Parse("sysName.0")]));
    }

    [Fact]
    public async Task Many_concurrent_requests_share_one_socket()
    {
        var tasks = Enumerable.Range(0, 50).Select(_ => manager.GetAsync(V2c(), [MibNames.Parse("sysUpTime.0")])).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.IsType<TimeTicks>(r[0].Value));
    }
}
