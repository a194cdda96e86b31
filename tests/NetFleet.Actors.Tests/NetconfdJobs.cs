using NetFleet.Devices.Netconf;
using NetFleet.Lab.Devices;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>The inventory (one host of platform <c>netconf</c>, the fixture's netconfd) and the job node the netconfd job tests share.</summary>
public abstract class NetconfdJobs(NetconfdFixture netconfd) : IAsyncLifetime
{
    protected NetconfdFixture Netconfd { get; } = netconfd;
    protected string Inventory { get; } = Directory.CreateTempSubdirectory("netfleet-netconfd-jobs-").FullName;
    protected JobNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(Inventory, "hosts.yaml"), $$"""
            netconfd:
              hostname: {{NetconfdFixture.Address}}
              platform: netconf
              username: {{LabDefaults.Username}}
              password: "{{LabDefaults.Password}}"
              netconf: {port: {{Netconfd.Port}}}
            """);
        Node = await JobNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(Inventory, recursive: true);
    }

    /// <summary>One netconf_config task, followed by a post-check that always fails when <paramref name="postCheck"/> is set.</summary>
    protected static string Play(string name, string content, bool postCheck = false, string transaction = "auto") => $$"""
        - hosts: netconfd
          transaction: {{transaction}}
        {{(postCheck ? $"  post_checks:\n    - name: a port nobody listens on answers\n      tcp: \"{NetconfdFixture.Address}:1\"\n" : "")}}  tasks:
            - name: {{name}}
              timeout: 60s
              netconf_config:
                content: |
        {{Indent(content)}}

        """;

    protected static string Interface(string name, string description, string type = "ianaift:ethernetCsmacd") => $"""
        <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
          <interface>
            <name>{name}</name>
            <description>{description}</description>
            <type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">{type}</type>
          </interface>
        </interfaces>
        """;

    /// <summary>True when <paramref name="diff"/> adds a line holding <paramref name="text"/>.</summary>
    protected static bool Added(string? diff, string text) =>
        diff is not null && diff.Split('\n').Any(l => l.StartsWith('+') && l.Contains(text, StringComparison.Ordinal));

    protected static string Indent(string xml) => string.Join("\n", xml.Split('\n').Select(l => "              " + l));

    protected static System.Xml.Linq.XElement Config(string content) =>
        System.Xml.Linq.XElement.Parse($"<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{content}</config>");

    /// <summary>All of running, as a fresh session reads it.</summary>
    protected async Task<string> RunningAsync()
    {
        await using var session = await Netconfd.OpenAsync();
        return NetconfText.Canonical(await session.GetConfigAsync(NetconfDatastore.Running));
    }
}
