using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary>The SNMP modules' arguments: names resolved to OIDs when the playbook loads, mistakes reported at their place.</summary>
public sealed class SnmpModulesTests
{
    private static (PlaybookLoadResult Result, string Path) Load(string yaml) => PlaybookSnippet.Load(yaml);

    [Fact]
    public void Names_and_numeric_oids_load_as_numeric_oids()
    {
        var (result, _) = Load("""
            - hosts: all
              tasks:
                - snmp_get:
                    oids: [sysName.0, 1.3.6.1.2.1.1.1.0, "IF-MIB::ifHCInOctets.2"]
                    version: v3
                - snmp_walk: ifTable
                - snmp_set:
                    values:
                      - {oid: sysContact.0, value: "noc@{{ inventory_hostname }}"}
                      - {oid: 1.3.6.1.2.1.1.6.0, type: string, value: lab}
                - snmp_poll: {oids: [ifInOctets.2], every: 30s, for: 10m}
            """);
        Assert.Empty(result.Diagnostics);
        var tasks = result.Playbook!.Plays[0].Tasks;
        var get = Assert.IsType<SnmpGetArgs>(tasks[0].Args);
        Assert.Equal(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.31.1.1.1.6.2"], get.Oids);
        Assert.Equal("v3", get.Version);
        var walk = Assert.IsType<SnmpWalkArgs>(tasks[1].Args);
        Assert.Equal(("1.3.6.1.2.1.2.2", true), (walk.Oid, walk.Bulk));
        var set = Assert.IsType<SnmpSetArgs>(tasks[2].Args);
        Assert.Equal(["string", "string"], set.Values.Select(v => v.Type));
        var poll = Assert.IsType<SnmpPollArgs>(tasks[3].Args);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)), (poll.Every, poll.For));
    }

    [Fact]
    public void Bad_oid_names_are_reported_at_their_place_when_the_playbook_loads()
    {
        var (result, path) = Load("""
            - hosts: all
              tasks:
                - snmp_get:
                    oids: [sysName.0, sysNmae.0]
                - snmp_walk: {oid: ifTabel}
                - snmp_set:
                    values:
                      - {oid: sysContact.x, value: a}
                      - {oid: sysLocation.0, type: integer, value: lab}
                      - {oid: sysLocation.0, type: counter, value: "1"}
                - snmp_poll: {oids: [1.3.6.1.2.1.2.2.1.10.2], every: 1m, for: 10s}
            """);
        Assert.Null(result.Playbook);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => (d.File, d.Line, d.Column, d.Code)).ToList();
        Assert.Equal(
        [
            (path, 4, 27, DiagnosticCodes.InvalidValue),
            (path, 5, 24, DiagnosticCodes.InvalidValue),
            (path, 8, 19, DiagnosticCodes.InvalidValue),
            (path, 9, 56, DiagnosticCodes.InvalidValue),
            (path, 10, 40, DiagnosticCodes.InvalidValue),
            (path, 11, 67, DiagnosticCodes.InvalidValue),
        ], errors);
        var misspelt = result.Diagnostics.First();
        Assert.Contains("'sysNmae.0' is neither a numeric OID nor a known object name", misspelt.Message);
        Assert.Contains("sysName", misspelt.Hint);
    }
}
