using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NetFleet.Node;
using Xunit.Abstractions;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// Cluster remoting over TLS between real <c>netfleet node</c> processes, with certificates made here: two nodes that
/// trust each other's certificate form a cluster, and tcpdump on loopback sees TLS records and none of Akka's own
/// words; a node without TLS, and a TLS node whose certificate is not trusted, stay out.
/// </summary>
[Collection("cluster")]
public sealed class RemoteTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "nf-remote-tls-test";
    private readonly List<NetfleetProcess> processes = [];
    private readonly List<Process> tcpdumps = [];
    private readonly string scratch = Directory.CreateTempSubdirectory("netfleet-tls-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        foreach (var tcpdump in tcpdumps.Where(t => !t.HasExited))
        {
            tcpdump.Kill();
            await tcpdump.WaitForExitAsync();
        }

        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task Nodes_with_trusted_certificates_form_a_cluster_over_tls_and_plain_or_untrusted_nodes_stay_out()
    {
        var trusted = MakeCertificate("trusted");
        var seedPort = Loopback.FreePort();
        var seed = $"akka.tcp://{NodeSettings.SystemName}@127.0.0.1:{seedPort}";

        var wire = Path.Combine(scratch, "tls.pcap");
        var capture = await StartTcpdumpAsync(wire, $"tcp port {seedPort}");
        var a = Start("a (tls)", trusted, seedPort, seed: null);
        await a.WaitUpAsync();
        var b = Start("b (tls)", trusted, Loopback.FreePort(), seed);
        await b.WaitUpAsync();
        // Gossip and heartbeats flow for a while, so the capture holds more than the handshake.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await StopTcpdumpAsync(capture);
        var tlsBytes = await File.ReadAllBytesAsync(wire);

        Assert.True(Contains(tlsBytes, [0x16, 0x03]), "no TLS handshake record on the wire");
        Assert.True(Contains(tlsBytes, [0x17, 0x03]), "no TLS application data record on the wire");
        foreach (var word in AkkaWords)
        {
            Assert.False(Contains(tlsBytes, Encoding.UTF8.GetBytes(word)), $"'{word}' in clear text on the wire between TLS nodes");
        }

        // A node without TLS speaks Akka's protocol in clear text to the TLS port: no handshake, it never joins.
        var plainWire = Path.Combine(scratch, "plain.pcap");
        capture = await StartTcpdumpAsync(plainWire, $"tcp port {seedPort}");
        var plain = Start("c (plain)", certificate: null, Loopback.FreePort(), seed);
        // An untrusted certificate fails validation both ways.
        var stranger = Start("d (untrusted tls)", MakeCertificate("stranger"), Loopback.FreePort(), seed);
        await Task.Delay(TimeSpan.FromSeconds(20));
        await StopTcpdumpAsync(capture);
        Assert.False(plain.Stderr.Contains(" up: ", StringComparison.Ordinal), $"the plain node joined the TLS cluster:\n{plain.Stderr}");
        Assert.False(stranger.Stderr.Contains(" up: ", StringComparison.Ordinal), $"the untrusted node joined:\n{stranger.Stderr}");
        Assert.False(a.HasExited || b.HasExited, "a TLS node stopped");
        // The same search finds Akka's words when they do cross in clear text: it can tell the two apart.
        var plainBytes = await File.ReadAllBytesAsync(plainWire);
        Assert.Contains(AkkaWords, word => Contains(plainBytes, Encoding.UTF8.GetBytes(word)));
        output.WriteLine($"TLS capture: {tlsBytes.Length} bytes, no Akka words; plain node's capture: {plainBytes.Length} bytes with Akka words");
    }

    [Fact]
    public void Tls_setting_gives_the_dotnetty_ssl_config_the_ssl_protocol_and_ssl_seed_addresses()
    {
        var (pfx, _) = MakeCertificate("settings");
        var environment = new Dictionary<string, string> { [RemoteTls.CertVariable] = pfx, [RemoteTls.PasswordVariable] = Password };
        var plain = NodeSettings.Resolve(new NodeOptions { Port = 4100, SeedNodes = "akka.tcp://netfleet@10.0.0.1:4053" }, _ => null);
        var tls = RemoteTls.Resolve(null, null, environment.GetValueOrDefault);

        var settings = RemoteTls.Apply(plain, tls);

        Assert.Equal("akka.ssl.tcp://netfleet@127.0.0.1:4100", settings.SelfAddress);
        Assert.Equal(["akka.ssl.tcp://netfleet@10.0.0.1:4053"], settings.SeedNodes);
        var config = NetFleetHostingTests.ComposedConfig(settings);
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(pfx, config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.path"));
        Assert.Equal(Password, config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.password"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.suppress-validation"));
        Assert.DoesNotContain(Password, settings.RemoteTls!.ToString(), StringComparison.Ordinal);
        Assert.Same(plain, RemoteTls.Apply(plain, RemoteTls.Resolve(null, null, _ => null)));
    }

    [Fact]
    public void A_wrong_password_or_a_missing_certificate_is_a_clear_error_before_the_node_starts()
    {
        var (pfx, _) = MakeCertificate("guarded");

        var wrong = Assert.Throws<ArgumentException>(() => RemoteTls.Resolve(pfx, null, name => name == RemoteTls.PasswordVariable ? "wrong" : null));
        Assert.Contains(RemoteTls.PasswordVariable, wrong.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => RemoteTls.Resolve(pfx + ".absent", null, _ => null));
        Assert.Contains("no such file", missing.Message, StringComparison.Ordinal);
        var flag = Assert.Throws<ArgumentException>(() => RemoteTls.Resolve(pfx, null,
            name => name switch { RemoteTls.PasswordVariable => Password, RemoteTls.SuppressValidationVariable => "maybe", _ => null }));
        Assert.Contains(RemoteTls.SuppressValidationVariable, flag.Message, StringComparison.Ordinal);
    }

    /// <summary>What Akka.Remote's clear-text protocol carries: the system name, the protocol, system actor paths.</summary>
    private static readonly string[] AkkaWords = [NodeSettings.SystemName, "akka.tcp", "/system/"];

    private NetfleetProcess Start(string name, (string Pfx, string Pem)? certificate, int port, string? seed)
    {
        var environment = new Dictionary<string, string>();
        if (certificate is { } files)
        {
            environment[RemoteTls.CertVariable] = files.Pfx;
            environment[RemoteTls.PasswordVariable] = Password;
            // Peers are validated against the trusted roots; this process trusts only its own certificate.
            environment["SSL_CERT_FILE"] = files.Pem;
            environment["SSL_CERT_DIR"] = Directory.CreateDirectory(Path.Combine(scratch, "no-other-roots")).FullName;
        }

        var args = new List<string> { "node", "--roles", NodeSettings.Worker, "--port", port.ToString(CultureInfo.InvariantCulture), "--verbose" };
        if (seed is not null) args.AddRange(["--seed-nodes", seed]);
        var process = NetfleetProcess.Start(name, environment, [.. args]);
        processes.Add(process);
        return process;
    }

    /// <summary>A self-signed certificate for both TLS roles (server and client), as its own root.</summary>
    private (string Pfx, string Pem) MakeCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=nf-remoting-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(scratch, name + ".pfx");
        var pem = Path.Combine(scratch, name + ".pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, Password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return (pfx, pem);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private async Task<Process> StartTcpdumpAsync(string file, string filter)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-i", "lo", "-n", "-U", "-s", "0", "-w", file, filter }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        tcpdumps.Add(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                _ = process.StandardError.ReadToEndAsync();
                return process;
            }
        }

        throw new InvalidOperationException($"tcpdump did not start (exit {process.ExitCode})");
    }

    /// <summary>Waits out tcpdump's buffer timeout, interrupts it (it flushes and closes the file) and waits for it.</summary>
    private static async Task StopTcpdumpAsync(Process tcpdump)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        _ = Interrupt(tcpdump.Id, 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tcpdump.WaitForExitAsync(timeout.Token);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Interrupt(int pid, int signal);
}
