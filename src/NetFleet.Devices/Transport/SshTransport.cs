using System.Collections.Concurrent;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NetFleet.Devices.Transport;

/// <summary>
/// Moves bytes: an authenticated SSH connection to a device, directly or through a jump host,
/// with the host key checked against known_hosts. Knows nothing about prompts or platforms.
/// </summary>
public sealed class SshTransport : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<(string Path, string? Passphrase), IPrivateKeySource> Keys = new();

    private readonly SshClient client;
    private readonly SshClient? bastion;
    private readonly ForwardedPortLocal? forward;

    private SshTransport(SshClient client, SshClient? bastion, ForwardedPortLocal? forward)
    {
        this.client = client;
        this.bastion = bastion;
        this.forward = forward;
    }

    /// <summary>Raised (on an SSH.NET thread) when the connection fails after it was established.</summary>
    public event EventHandler<ExceptionEventArgs>? ConnectionLost
    {
        add => client.ErrorOccurred += value;
        remove => client.ErrorOccurred -= value;
    }

    public bool IsConnected => client.IsConnected;

    /// <summary>Connects and logs in within <see cref="DeviceConnectionOptions.ConnectTimeout"/>; failures
    /// come out as <see cref="DeviceException"/>s.</summary>
    public static async Task<SshTransport> ConnectAsync(DeviceConnectionOptions options, CancellationToken cancellationToken)
    {
        var device = options.DisplayName;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);

        SshClient? bastion = null;
        ForwardedPortLocal? forward = null;
        try
        {
            var host = options.Host;
            var port = options.Port;
            if (options.JumpHost is { } jump)
            {
                bastion = await OpenClientAsync(device + " via jump host " + jump.Host, jump.Host, jump.Port, jump.Host, jump.Port,
                    jump.Credentials, options, timeout.Token, cancellationToken);

                // A local forward on an ephemeral loopback port: SSH.NET's client needs a socket, and the
                // device's host key is still checked under the device's own name below.
                forward = new ForwardedPortLocal("127.0.0.1", 0, options.Host, (uint)options.Port);
                bastion.AddForwardedPort(forward);
                forward.Start();
                host = "127.0.0.1";
                port = (int)forward.BoundPort;
            }

            var client = await OpenClientAsync(device, host, port, options.Host, options.Port, options.Credentials, options,
                timeout.Token, cancellationToken);
            return new SshTransport(client, bastion, forward);
        }
        catch
        {
            forward?.Dispose();
            bastion?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The shell stream's starting buffer. SSH.NET allocates twice this for reading and once for writing when the shell
    /// opens, and grows the read buffer when a reply needs more; so a small start costs nothing for long output, while
    /// 64 KiB cost 192 KiB per open session, most of a 5,000-device run's memory.
    /// </summary>
    internal const int ShellBufferBytes = 4 * 1024;

    /// <summary>An interactive shell on a <c>dumb</c> pty: no colours, no bracketed paste.</summary>
    public Task<ShellStream> OpenShellAsync(uint columns, uint rows, CancellationToken cancellationToken) =>
        // Opening a channel waits for the server's replies inside SSH.NET; keep that off the caller's thread.
        Task.Run(() => client.CreateShellStream("dumb", columns, rows, 0, 0, ShellBufferBytes), cancellationToken);

    /// <summary>A channel running an SSH subsystem (<c>netconf</c>) as a byte stream; write, then FlushAsync to send.</summary>
    public Task<Stream> OpenSubsystemAsync(string subsystem, CancellationToken cancellationToken) =>
        SshSubsystemStream.OpenAsync(client, subsystem, cancellationToken);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        forward?.Dispose();
        bastion?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<SshClient> OpenClientAsync(string device, string host, int port, string keyHost, int keyPort,
        SshCredentials credentials, DeviceConnectionOptions options, CancellationToken timeout, CancellationToken caller)
    {
        var connection = new ConnectionInfo(host, port, credentials.Username, AuthenticationMethods(credentials))
        {
            Timeout = options.ConnectTimeout,
        };
        if (!options.PreferSntrup761KeyExchange)
        {
            DemoteSntrup761(connection);
        }

        var client = new SshClient(connection);
        // Through a jump host the device is not reachable from here, so ssh-keyscan is no advice.
        var direct = (host, port) == (keyHost, keyPort);
        HostKeyVerificationException? hostKeyFailure = null;
        byte[]? keyToRecord = null;
        // SSH.NET raises this synchronously during key exchange: only the in-memory check runs here;
        // recording a first-seen key (file I/O under a lock) happens after the connect, awaited.
        client.HostKeyReceived += (_, e) =>
        {
            var check = KnownHosts.Check(options.KnownHostsPath, keyHost, keyPort, e.HostKey);
            e.CanTrust = check.Status == HostKeyStatus.Known
                || (check.Status == HostKeyStatus.Unknown && options.TrustNewHostKeys);
            if (check.Status == HostKeyStatus.Unknown && options.TrustNewHostKeys)
            {
                keyToRecord = e.HostKey;
            }
            else if (!e.CanTrust)
            {
                hostKeyFailure = HostKeyFailure(device, check, options.KnownHostsPath, direct);
            }
        };

        try
        {
            await client.ConnectAsync(timeout);
            if (keyToRecord is not null)
            {
                var recorded = await KnownHosts.TrustAsync(options.KnownHostsPath, keyHost, keyPort, keyToRecord, timeout);
                if (recorded.Status != HostKeyStatus.Known)
                {
                    hostKeyFailure = HostKeyFailure(device, recorded, options.KnownHostsPath, direct);
                    throw hostKeyFailure;
                }
            }

            return client;
        }
        catch (Exception e)
        {
            client.Dispose();
            if (hostKeyFailure is not null)
            {
                throw hostKeyFailure;
            }

            throw e switch
            {
                SshAuthenticationException => new DeviceAuthenticationException(device,
                    $"authentication as '{credentials.Username}' failed at {host}:{port} ({e.Message})", e),
                OperationCanceledException when caller.IsCancellationRequested => e,
                OperationCanceledException or SshOperationTimeoutException => new DeviceUnreachableException(device,
                    $"no SSH session with {host}:{port} within the connect timeout of {options.ConnectTimeout.TotalSeconds:0.###} s "
                    + "(the TCP connection, the SSH banner or the login did not complete; check the address, port and that sshd answers)", e),
                SocketException s => new DeviceUnreachableException(device, $"cannot connect to {host}:{port}: {s.SocketErrorCode}", e),
                SshConnectionException or ProxyException or IOException => new DeviceUnreachableException(device,
                    $"SSH session with {host}:{port} failed: {e.Message}", e),
                _ => e,
            };
        }
    }

    /// <summary>
    /// Moves sntrup761x25519 behind curve25519. OpenSSH before 9.9 offers no ML-KEM, so SSH.NET would
    /// settle on sntrup761, whose key generation in managed code costs ≈ 35 ms of CPU per connection
    /// (measured on the lab) against ≈ 1 ms for curve25519: too much for fleets. ML-KEM stays first.
    /// </summary>
    private static void DemoteSntrup761(ConnectionInfo connection)
    {
        // Rebuilt rather than moved: a dictionary reuses a removed entry's slot, keeping its place.
        var algorithms = connection.KeyExchangeAlgorithms;
        var ordered = algorithms.OrderBy(a => a.Key.StartsWith("sntrup761", StringComparison.Ordinal)).ToList();
        algorithms.Clear();
        foreach (var (name, factory) in ordered)
        {
            algorithms.Add(name, factory);
        }
    }

    private static AuthenticationMethod[] AuthenticationMethods(SshCredentials credentials)
    {
        var methods = new List<AuthenticationMethod>(3);
        if (credentials.PrivateKeyPath is { } keyPath)
        {
            var key = Keys.GetOrAdd((keyPath, credentials.PrivateKeyPassphrase),
                k => k.Passphrase is null ? new PrivateKeyFile(k.Path) : new PrivateKeyFile(k.Path, k.Passphrase));
            methods.Add(new PrivateKeyAuthenticationMethod(credentials.Username, key));
        }

        if (credentials.Password is { } password)
        {
            methods.Add(new PasswordAuthenticationMethod(credentials.Username, password));
            var interactive = new KeyboardInteractiveAuthenticationMethod(credentials.Username);
            interactive.AuthenticationPrompt += (_, e) =>
            {
                foreach (var prompt in e.Prompts)
                {
                    // Echoed prompts ask for something public (a user name); hidden ones for the password.
                    prompt.Response = prompt.IsEchoed ? credentials.Username : password;
                }
            };
            methods.Add(interactive);
        }

        if (methods.Count == 0)
        {
            methods.Add(new NoneAuthenticationMethod(credentials.Username));
        }

        return [.. methods];
    }

    private static HostKeyVerificationException HostKeyFailure(string device, HostKeyCheck check, string knownHosts, bool direct)
    {
        var message = check switch
        {
            { Status: HostKeyStatus.Unknown } =>
                $"host key for {check.HostEntry} is not in {knownHosts} (presented {check.PresentedFingerprint}); "
                + "to accept a device's key the first time it is seen, run again with --trust-new-host-keys"
                + (direct ? $", or add it beforehand: {KeyScan(check.HostEntry)} >> {knownHosts}" : $", or add its key to {knownHosts}"),
            { ExpectedFingerprint: { } expected } when expected.StartsWith("(revoked)", StringComparison.Ordinal) =>
                $"host key {check.PresentedFingerprint} presented by {check.HostEntry} is marked @revoked in {knownHosts}; "
                + "the device needs a new host key",
            _ =>
                $"REMOTE HOST IDENTIFICATION HAS CHANGED for {check.HostEntry}: {knownHosts} expects {check.ExpectedFingerprint}, "
                + $"the server presented {check.PresentedFingerprint}. Someone could be eavesdropping, or the device was "
                + $"replaced; if the change is expected, remove the old key (ssh-keygen -f {knownHosts} -R '{check.HostEntry}') "
                + "and run again with --trust-new-host-keys",
        };
        return new HostKeyVerificationException(device, check.HostEntry, check.ExpectedFingerprint, check.PresentedFingerprint, message);
    }

    /// <summary>The <c>ssh-keyscan</c> command that prints the keys of a known_hosts entry (<c>name</c> or <c>[name]:port</c>).</summary>
    private static string KeyScan(string hostEntry)
    {
        if (!hostEntry.StartsWith('[')) return $"ssh-keyscan {hostEntry}";
        var close = hostEntry.LastIndexOf("]:", StringComparison.Ordinal);
        return $"ssh-keyscan -p {hostEntry[(close + 2)..]} {hostEntry[1..close]}";
    }
}
