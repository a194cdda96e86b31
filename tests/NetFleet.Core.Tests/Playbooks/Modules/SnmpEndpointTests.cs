using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary>A host's SNMP settings from inventory <c>data.snmp</c>, with secret references resolved and never printed.</summary>
public sealed class SnmpEndpointTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("netfleet-snmp-endpoint-");

    public void Dispose() => dir.Delete(recursive: true);

    private Host Load(string data)
    {
        File.WriteAllText(Path.Combine(dir.FullName, "hosts.yaml"), "r1:\n  hostname: 192.0.2.1\n  platform: cisco_ios\n  username: u\n" + data);
        var loaded = InventoryLoader.Load(dir.FullName);
        return loaded.Inventory!.Hosts.Single();
    }

    [Fact]
    public void V3_passwords_come_from_env_and_file_references_and_never_print()
    {
        File.WriteAllText(Path.Combine(dir.FullName, "priv.txt"), "priv-from-file\n");
        Environment.SetEnvironmentVariable("NF_TEST_SNMP_AUTH", "auth-from-env");
        var endpoint = SnmpEndpoint.For(Load("""
              data:
                snmp:
                  port: 10161
                  v3:
                    user: ops
                    auth_protocol: SHA256
                    auth_password: "${env:NF_TEST_SNMP_AUTH}"
                    priv_protocol: aes128
                    priv_password: "${file:priv.txt}"

            """));

        Assert.Null(endpoint.Problem);
        Assert.Equal(("192.0.2.1", 10161, null), (endpoint.Address, endpoint.Port, endpoint.Community));
        Assert.Equal(new SnmpV3Credentials("ops", "sha256", "auth-from-env", "aes128", "priv-from-file"), endpoint.V3);
        Assert.DoesNotContain("from-", endpoint.ToString());
        Assert.Contains("ops", endpoint.ToString());
    }

    [Fact]
    public void Without_data_snmp_the_defaults_are_port_161_and_community_public()
    {
        var endpoint = SnmpEndpoint.For(Load(""));
        Assert.Equal((161, "public", null, null), (endpoint.Port, endpoint.Community, endpoint.V3, endpoint.Problem));
    }

    [Fact]
    public void An_unset_secret_or_unknown_protocol_is_a_problem_naming_the_host()
    {
        var unset = SnmpEndpoint.For(Load("  data:\n    snmp:\n      community: \"${env:NF_TEST_SNMP_UNSET_42}\"\n"));
        Assert.StartsWith("r1: inventory data.snmp: ${env:NF_TEST_SNMP_UNSET_42}: environment variable", unset.Problem);
        Assert.Contains("NF_TEST_SNMP_UNSET_42", unset.Problem);

        var md5 = SnmpEndpoint.For(Load("  data:\n    snmp:\n      v3: {user: ops, auth_protocol: md5, auth_password: x}\n"));
        Assert.Contains("auth_protocol 'md5'", md5.Problem);
    }
}
