using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NetFleet.Devices;
using NetFleet.Devices.Transport;
using NetFleet.Lab.Devices;

namespace NetFleet.Devices.Tests;

[Collection(DeviceLabCollection.Name)]
public sealed class FailureTests(DeviceLab lab) : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("netfleet-devices-test-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Rejected_ios_line_fails_with_the_devices_message_and_leaves_config_mode()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("ios-reject"));
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() =>
            driver.ApplyConfigAsync(["snmp-server contact noc", "ntp server 10.1.1.1"]));
        Assert.Equal("ntp server 10.1.1.1", error.Command);
        Assert.Contains("% Invalid input", error.DeviceMessage);
        Assert.False(error.Retryable);
        Assert.EndsWith("#", driver.Prompt);
        Assert.DoesNotContain("(config", driver.Prompt);
    }

    [Fact]
    public async Task Rejected_eos_line_aborts_the_session_so_nothing_is_applied()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("eos-reject"));
        var before = await driver.GetRunningConfigAsync();
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() =>
            driver.ApplyConfigAsync(["snmp-server contact noc-eos", "ntp server 10.1.1.1"]));
        Assert.Contains("% Invalid input", error.DeviceMessage);
        var after = await driver.GetRunningConfigAsync();
        Assert.DoesNotContain("noc-eos", after);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Rejected_junos_line_discards_the_candidate_so_running_config_is_unchanged()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("junos-reject"));
        var before = await driver.GetRunningConfigAsync();
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() =>
            driver.ApplyConfigAsync(["set snmp contact noc-junos", "set system ntp server 10.1.1.1"]));
        Assert.Equal("set system ntp server 10.1.1.1", error.Command);
        Assert.EndsWith(">", driver.Prompt);

        var after = await driver.GetRunningConfigAsync();
        Assert.DoesNotContain("noc-junos", after);
        Assert.Equal(before, after);

        // The shared candidate is clean too: a later change commits only itself.
        var next = await driver.ApplyConfigAsync(["set snmp location rack-1"]);
        Assert.DoesNotContain("noc-junos", next.Diff);
    }

    [Fact]
    public async Task Silent_device_times_out_per_command_and_the_session_is_then_unusable()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("ios-hang"));
        var timeout = TimeSpan.FromMilliseconds(400);
        DeviceTimeoutException? error = null;
        for (var i = 0; i < 10 && error is null; i++)
        {
            try
            {
                await driver.RunCommandAsync("show clock", timeout);
            }
            catch (DeviceTimeoutException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.True(error.Retryable);
        Assert.Equal(timeout, error.Timeout);
        await Assert.ThrowsAsync<DeviceStateException>(() => driver.RunCommandAsync("show clock"));
    }

    [Fact]
    public async Task Device_that_drops_mid_task_gives_a_connection_dropped_error()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("ios-drop"));
        DeviceConnectionDroppedException? error = null;
        for (var i = 0; i < 10 && error is null; i++)
        {
            try
            {
                await driver.RunCommandAsync("show clock", TimeSpan.FromSeconds(5));
            }
            catch (DeviceConnectionDroppedException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.Equal("show clock", error.Operation);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task Refused_login_is_an_authentication_failure_that_is_not_retryable()
    {
        var error = await Assert.ThrowsAsync<DeviceAuthenticationException>(() => DeviceLab.OpenAsync(lab.Options("ios-refuse")));
        Assert.False(error.Retryable);
        Assert.Contains("ios-refuse", error.Message);
    }

    [Fact]
    public async Task Wrong_password_is_an_authentication_failure_that_does_not_reveal_the_password()
    {
        const string wrong = "wrong-Passw0rd-77";
        var options = lab.Options("ios-1") with { Credentials = new SshCredentials(LabDefaults.Username) { Password = wrong } };
        var error = await Assert.ThrowsAsync<DeviceAuthenticationException>(() => DeviceLab.OpenAsync(options));
        Assert.False(error.Retryable);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, options.ToString());
    }

    [Fact]
    public async Task Unreachable_device_is_retryable()
    {
        var options = lab.Options("ios-1") with { Host = "127.0.7.250", ConnectTimeout = TimeSpan.FromSeconds(2) };
        var error = await Assert.ThrowsAsync<DeviceUnreachableException>(() => DeviceLab.OpenAsync(options));
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task Changed_host_key_is_refused_naming_host_and_both_fingerprints()
    {
        var device = lab.Device("ios-1");
        var entry = KnownHosts.HostEntry(device.Address, lab.Spec.Port);
        var impostor = RandomEd25519Blob();
        var knownHosts = Path.Combine(scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"{entry} ssh-ed25519 {Convert.ToBase64String(impostor)}\n");

        var error = await Assert.ThrowsAsync<HostKeyVerificationException>(() =>
            DeviceLab.OpenAsync(lab.Options(device) with { KnownHostsPath = knownHosts, TrustNewHostKeys = true }));

        Assert.True(error.IsMismatch);
        Assert.Equal(entry, error.Host);
        Assert.Equal(KnownHosts.Fingerprint(impostor), error.ExpectedFingerprint);
        Assert.Equal(LabHostKeyFingerprint(), error.PresentedFingerprint);
        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", error.Message);
        Assert.Contains(error.ExpectedFingerprint!, error.Message);
        Assert.Contains(error.PresentedFingerprint, error.Message);
        Assert.Contains($"remove the old key (ssh-keygen -f {knownHosts} -R '{entry}') and run again with --trust-new-host-keys", error.Message);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Revoked_host_key_is_refused_without_advice_to_trust_it_again()
    {
        var device = lab.Device("ios-1");
        var entry = KnownHosts.HostEntry(device.Address, lab.Spec.Port);
        var key = File.ReadAllText(lab.Paths.HostKey + ".pub").Split(' ');
        var knownHosts = Path.Combine(scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"@revoked {entry} {key[0]} {key[1]}\n");

        var error = await Assert.ThrowsAsync<HostKeyVerificationException>(() =>
            DeviceLab.OpenAsync(lab.Options(device) with { KnownHostsPath = knownHosts, TrustNewHostKeys = true }));

        Assert.EndsWith($": host key {LabHostKeyFingerprint()} presented by {entry} is marked @revoked in {knownHosts}; the device needs a new host key",
            error.Message);
        Assert.DoesNotContain("--trust-new-host-keys", error.Message);
    }

    [Fact]
    public async Task Unknown_host_key_is_refused_without_trust_on_first_use()
    {
        var knownHosts = Path.Combine(scratch, "known_hosts");
        var error = await Assert.ThrowsAsync<HostKeyVerificationException>(() =>
            DeviceLab.OpenAsync(lab.Options("ios-1") with { KnownHostsPath = knownHosts }));
        Assert.False(error.IsMismatch);
        Assert.Equal(LabHostKeyFingerprint(), error.PresentedFingerprint);
        Assert.False(File.Exists(knownHosts) && (await File.ReadAllTextAsync(knownHosts)).Length > 0);
    }

    [Fact]
    public async Task Trust_on_first_use_records_each_key_once_even_when_connecting_concurrently()
    {
        var knownHosts = Path.Combine(scratch, "known_hosts");
        var devices = new[] { "ios-1", "eos-1", "junos-1" };
        var opens = devices.SelectMany(d => Enumerable.Repeat(d, 3)).Select(async name =>
        {
            await using var driver = await DeviceLab.OpenAsync(lab.Options(name) with { KnownHostsPath = knownHosts, TrustNewHostKeys = true });
        });
        await Task.WhenAll(opens);

        var lines = (await File.ReadAllLinesAsync(knownHosts)).Where(l => l.Length > 0).ToList();
        Assert.Equal(devices.Length, lines.Count);
        Assert.All(devices, d => Assert.Single(lines, l => l.StartsWith(KnownHosts.HostEntry(lab.Device(d).Address, lab.Spec.Port) + " ", StringComparison.Ordinal)));

        // Recorded keys are now simply known.
        await using var again = await DeviceLab.OpenAsync(lab.Options("ios-1") with { KnownHostsPath = knownHosts });
    }

    [Fact]
    public async Task Hashed_known_hosts_entries_are_recognised()
    {
        var device = lab.Device("ios-1");
        var entry = KnownHosts.HostEntry(device.Address, lab.Spec.Port);
        var salt = RandomNumberGenerator.GetBytes(20);
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(entry));
        var key = (await File.ReadAllTextAsync(lab.Paths.HostKey + ".pub")).Split(' ');
        var knownHosts = Path.Combine(scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} {key[0]} {key[1]}\n");

        await using var driver = await DeviceLab.OpenAsync(lab.Options(device) with { KnownHostsPath = knownHosts });
        Assert.NotNull(driver.Prompt);
    }

    private string LabHostKeyFingerprint() =>
        KnownHosts.Fingerprint(Convert.FromBase64String(File.ReadAllText(lab.Paths.HostKey + ".pub").Split(' ')[1]));

    private static byte[] RandomEd25519Blob()
    {
        var type = "ssh-ed25519"u8;
        var blob = new byte[4 + type.Length + 4 + 32];
        BinaryPrimitives.WriteInt32BigEndian(blob, type.Length);
        type.CopyTo(blob.AsSpan(4));
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4 + type.Length), 32);
        RandomNumberGenerator.Fill(blob.AsSpan(8 + type.Length));
        return blob;
    }
}
