using NetFleet.Devices;
using NetFleet.Devices.Netconf;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconfd;
using Xunit;

namespace NetFleet.Testing;

/// <summary>
/// Debian's netconfd behind a private sshd on 127.0.4.1 and a free port, serving it as the <c>netconf</c> subsystem to
/// the lab account (password login). Needs root. Both processes and the scratch folder go in <see cref="DisposeAsync"/>.
/// The datastores are shared by the tests of a class: each test works on interfaces of its own name. netconfd has a
/// candidate datastore here; <see cref="NetconfdRunningFixture"/> is one without.
/// </summary>
public class NetconfdFixture : IAsyncLifetime
{
    public const string Address = "127.0.4.1";

    private readonly NetconfdTarget target;
    private PrivateSshd? sshd;

    public NetconfdFixture()
        : this(NetconfdTarget.Candidate)
    {
    }

    protected NetconfdFixture(NetconfdTarget target) => this.target = target;

    public string Dir { get; } = Directory.CreateTempSubdirectory("netfleet-netconfd-").FullName;
    public int Port { get; } = Loopback.FreePort();
    public NetconfdServer Server { get; private set; } = null!;
    public string KnownHosts => sshd!.KnownHosts;

    public async Task InitializeAsync()
    {
        Server = new NetconfdServer(Path.Combine(Dir, "netconfd"), Port, target);
        try
        {
            await Server.StartAsync();
            sshd = await PrivateSshd.StartAsync(Path.Combine(Dir, "sshd"), Address, Port, $"""
                PasswordAuthentication yes
                PermitRootLogin no
                AllowUsers {LabDefaults.Username}
                {Server.SshdLines()}
                """);
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: nothing may be left behind.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>How a client reaches netconfd: the lab account's password, known_hosts with the sshd's key.</summary>
    public DeviceConnectionOptions Options() =>
        new(Address, "netconf", new SshCredentials(LabDefaults.Username) { Password = LabDefaults.Password })
        {
            Name = "netconfd",
            KnownHostsPath = KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(15),
        };

    /// <summary>An open session to netconfd; the caller disposes it.</summary>
    public async Task<NetconfSession> OpenAsync(IReadOnlyList<string>? clientCapabilities = null)
    {
        var session = new NetconfSession(Options(), Port, clientCapabilities);
        await session.OpenAsync();
        return session;
    }

    /// <summary>netconfd's own log, for a failing test's message.</summary>
    public string Log() => File.Exists(Server.LogFile) ? File.ReadAllText(Server.LogFile) : "";

    public async Task DisposeAsync()
    {
        if (sshd is not null) await sshd.DisposeAsync();
        await Server.StopAsync();
        Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>netconfd with <c>--target=running</c>: <c>:writable-running</c> and no candidate, so every edit changes running.</summary>
public sealed class NetconfdRunningFixture() : NetconfdFixture(NetconfdTarget.Running);
