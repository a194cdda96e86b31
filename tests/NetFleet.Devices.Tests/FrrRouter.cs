using System.Diagnostics;
using NetFleet.Testing;

namespace NetFleet.Devices.Tests;

/// <summary>
/// One real FRRouting 8.4 router for the tests: zebra, staticd, bgpd and ospfd in a network namespace of their own
/// (<c>nf…</c>, interfaces <c>eth1</c>/<c>eth2</c>, a veth pair), in their own UTS namespace so the daemons call
/// themselves <c>r1</c> as vtysh does, with sockets and configuration in a scratch folder. Reached either with
/// <see cref="VtyshAsync"/> or, through a private sshd on 127.0.3.1 whose ForceCommand is vtysh, by the driver.
/// Needs root. Everything it starts is stopped and removed in <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FrrRouter : IAsyncLifetime
{
    public const string Base = """
        frr defaults traditional
        hostname r1
        ip prefix-list PL-OUT seq 5 permit 198.18.10.0/24
        ip prefix-list PL-OUT seq 10 deny any
        route-map RM-OUT permit 10
         match ip address prefix-list PL-OUT
         set metric 50
        exit
        interface eth1
         description to-r2
         ip address 198.18.0.0/31
         ip ospf cost 10
        exit
        interface lo
         ip address 198.18.255.1/32
        exit
        ip route 198.18.10.0/24 Null0
        router bgp 65001
         bgp router-id 198.18.255.1
         no bgp ebgp-requires-policy
         neighbor 198.18.0.1 remote-as 65002
         neighbor 198.18.0.1 description r2
         address-family ipv4 unicast
          network 198.18.10.0/24
          neighbor 198.18.0.1 route-map RM-OUT out
         exit-address-family
        exit
        router ospf
         ospf router-id 198.18.255.1
         network 198.18.0.0/31 area 0
        exit
        """;

    private static readonly string[] Daemons = ["zebra", "staticd", "bgpd", "ospfd"];
    private readonly string id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
    private PrivateSshd? sshd;

    public string Namespace => "nffrr" + id;
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "nf-frr-" + Guid.NewGuid().ToString("N")[..8]);
    public string Address => "127.0.3.1";
    public int SshPort { get; } = Loopback.FreePort();
    public string ClientKey => Path.Combine(Dir, "sshd", "client_key");
    public string KnownHosts => Path.Combine(Dir, "sshd", "known_hosts");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        await File.WriteAllTextAsync(Path.Combine(Dir, "vtysh.conf"), "service integrated-vtysh-config\nhostname r1\n");
        await RunAsync("chown", "-R", "frr:frr", Dir);
        await RunAsync("ip", "netns", "add", Namespace);
        await RunAsync("ip", "-n", Namespace, "link", "set", "lo", "up");
        await RunAsync("ip", "-n", Namespace, "link", "add", "eth1", "type", "veth", "peer", "name", "eth2");
        await RunAsync("ip", "-n", Namespace, "link", "set", "eth1", "up");
        await RunAsync("ip", "-n", Namespace, "link", "set", "eth2", "up");
        await StartDaemonsAsync();
        BaseRunning = await RunningConfigAsync();
        await StartSshdAsync();
    }

    /// <summary>The running configuration right after <see cref="Base"/> was applied to fresh daemons.</summary>
    public string BaseRunning { get; private set; } = "";

    /// <summary>Back to <see cref="Base"/> whatever happened: the daemons are restarted (about a second).</summary>
    public async Task ResetAsync()
    {
        await StopDaemonsAsync();
        await StartDaemonsAsync();
    }

    /// <summary>The router at <see cref="Base"/> (restarted only when a test left it elsewhere); its running configuration.</summary>
    public async Task<string> BaselineAsync()
    {
        var running = await RunningConfigAsync();
        if (ConfigText.Same(running, BaseRunning)) return running;
        await ResetAsync();
        return await RunningConfigAsync();
    }

    private async Task StartDaemonsAsync()
    {
        // Forwarding is the namespace's (zebra only sets it): back to the kernel's default, as a fresh namespace has it.
        await RunAsync("ip", "netns", "exec", Namespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0", "net.ipv6.conf.all.forwarding=0");
        foreach (var daemon in Daemons)
        {
            await RunAsync("unshare", "--uts", "sh", "-c", $"hostname r1 && exec ip netns exec {Namespace} /usr/lib/frr/{daemon} -d -N {Namespace} "
                + $"--vty_socket {Dir} -i {Dir}/{daemon}.pid -P 0 -u frr -g frr --log file:{Dir}/{daemon}.log -z {Dir}/zserv.api");
        }

        var file = Path.Combine(Dir, "base.conf");
        await File.WriteAllTextAsync(file, Base);
        await RunAsync("vtysh", "--vty_socket", Dir, "--config_dir", Dir, "-f", file);
    }

    private async Task StopDaemonsAsync()
    {
        foreach (var daemon in Daemons.Reverse())
        {
            var pidFile = Path.Combine(Dir, daemon + ".pid");
            if (!File.Exists(pidFile) || !int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid)) continue;
            // Not our child (the daemons fork away): signalled by pid, and dead once /proc shows it gone or a zombie
            // (whoever adopted it may reap it only later).
            await RunAsync(["kill", "-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false);
            for (var i = 0; i < 200 && Alive(pid); i++) await Task.Delay(10);
            File.Delete(pidFile);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>vtysh with these commands (each a <c>-c</c>, one session: a context entered stays entered); vtysh stops
    /// at the first refused one and exits non-zero.</summary>
    public Task<(int ExitCode, string Output)> VtyshAsync(params string[] commands) =>
        RunAsync(["vtysh", "--vty_socket", Dir, "--config_dir", Dir, .. commands.SelectMany(c => new[] { "-c", c })], check: false);

    /// <summary>Enters lines in <c>configure terminal</c>; fails the test when FRR refuses one.</summary>
    public async Task ConfigureAsync(IEnumerable<string> lines)
    {
        var (code, output) = await VtyshAsync(["configure terminal", .. lines.Select(l => l.Trim())]);
        Assert.True(code == 0, $"vtysh refused a line: {output}");
    }

    public async Task<string> RunningConfigAsync() => (await VtyshAsync("show running-config")).Output;

    private async Task StartSshdAsync() =>
        sshd = await PrivateSshd.StartAsync(Path.Combine(Dir, "sshd"), Address, SshPort, $"""
            PasswordAuthentication no
            PermitRootLogin prohibit-password
            AllowUsers root
            ForceCommand exec vtysh --vty_socket {Dir} --config_dir {Dir}
            """);

    /// <summary>Connection options for the driver, as an inventory entry pointing at this router would give.</summary>
    public DeviceConnectionOptions Options() =>
        new(Address, "frr", new SshCredentials("root") { PrivateKeyPath = ClientKey })
        {
            Name = "r1",
            Port = SshPort,
            KnownHostsPath = KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(10),
        };

    public async Task DisposeAsync()
    {
        if (sshd is not null) await sshd.DisposeAsync();
        await StopDaemonsAsync();
        await RunAsync(["ip", "netns", "delete", Namespace], check: false);
        Directory.Delete(Dir, recursive: true);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(params string[] command) => RunAsync(command, check: true);

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] command, bool check)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (await stdout) + (await stderr);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' exited {process.ExitCode}: {output}");
        }

        return (process.ExitCode, output);
    }
}

[CollectionDefinition(Name)]
public sealed class FrrRouterCollection : ICollectionFixture<FrrRouter>
{
    public const string Name = "frr router";
}
