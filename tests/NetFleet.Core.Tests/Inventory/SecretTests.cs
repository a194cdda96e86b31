using System.Text.Json;
using NetFleet.Core.Inventory;

namespace NetFleet.Core.Tests.Inventory;

public class SecretTests
{
    private static Host Host(string name) => InventoryLoader.Load(TestFiles.Path("Inventory", "Good")).Inventory!.FindHost(name)!;

    [Fact]
    public void Literal_password_never_appears_in_text_or_json()
    {
        var host = Host("lon-r2");

        Assert.Equal("***", host.Password!.ToString());
        Assert.DoesNotContain("literal-s3cret", JsonSerializer.Serialize(host), StringComparison.Ordinal);
        Assert.DoesNotContain("literal-s3cret", $"{host.Password}", StringComparison.Ordinal);
        Assert.Equal("literal-s3cret", host.Password.Reveal());
    }

    [Fact]
    public void References_print_as_written_and_resolve_only_on_reveal()
    {
        var host = Host("lon-r1");
        var json = JsonSerializer.Serialize(new { host.Password, host.EnableSecret });

        Assert.Equal("${env:NETFLEET_TEST_PASSWORD}", host.Password!.ToString());
        Assert.Contains("${file:secrets/enable.txt}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("en4ble-s3cret", json, StringComparison.Ordinal);
        Assert.Equal("en4ble-s3cret", host.EnableSecret!.Reveal());
    }

    [Fact]
    public void Environment_reference_reads_the_variable_when_revealed()
    {
        var secret = Host("lon-sw1").Password!;
        Environment.SetEnvironmentVariable("NETFLEET_TEST_PASSWORD", "from-env");
        try
        {
            Assert.Equal("from-env", secret.Reveal());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETFLEET_TEST_PASSWORD", null);
        }
    }

    [Fact]
    public void Missing_variable_error_names_host_field_variable_and_place()
    {
        var secret = Secret.Parse("${env:NETFLEET_TEST_UNSET_VARIABLE}", ".", new("inventory/groups.yaml", 3, 13), out _)!;
        var host = Host("nyc-r1");

        var error = Assert.Throws<SecretUnavailableException>(() => host.Password!.Reveal());
        var direct = Assert.Throws<SecretUnavailableException>(() => secret.Reveal());

        Assert.Contains("host 'nyc-r1' field 'password'", error.Message, StringComparison.Ordinal);
        Assert.Contains("NETFLEET_TEST_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains("defaults.yaml:2:11", error.Message, StringComparison.Ordinal);
        Assert.Contains("environment variable 'NETFLEET_TEST_UNSET_VARIABLE' is not set (referenced at inventory/groups.yaml:3:13)", direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_error_names_the_file()
    {
        var secret = Secret.Parse("${file:nope.txt}", "/tmp/netfleet-tests", new("hosts.yaml", 1, 1), out _)!;

        var error = Assert.Throws<SecretUnavailableException>(() => secret.Reveal());

        Assert.Contains("/tmp/netfleet-tests/nope.txt", error.Message, StringComparison.Ordinal);
    }
}
