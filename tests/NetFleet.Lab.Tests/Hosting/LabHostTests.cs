using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Terminal;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>The SSH plumbing, with a minimal personality that names the device and echoes lines.</summary>
public sealed class LabHostTests(LabHostTests.EchoLab lab) : IClassFixture<LabHostTests.EchoLab>
{
    [Fact]
    public async Task Each_loopback_address_reaches_its_own_device()
    {
        foreach (var device in lab.Spec.Devices.Where(d => !d.Faults.RefuseAuth))
        {
            var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "whoami");
            Assert.Equal(0, code);
            Assert.Contains($"device={device.Name} exec=whoami", output);
        }
    }

    [Fact]
    public async Task Interactive_session_echoes_input_and_ends_lines_with_crlf()
    {
        var device = lab.Spec.Devices[0];
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: "hello\rquit\r", tty: true);
        Assert.Equal(0, code);
        Assert.Contains("echo-1> hello\r\nyou said: hello\r\n", output);
    }

    [Fact]
    public async Task Refused_device_rejects_the_login()
    {
        var device = lab.Spec.Devices.Single(d => d.Faults.RefuseAuth);
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "whoami");
        Assert.Equal(255, code);
        Assert.Contains("Permission denied", output);
    }

    [Fact]
    public async Task Dropping_device_cuts_the_connection_after_its_commands()
    {
        var device = lab.Spec.Devices.Single(d => d.Faults.DropAfterCommands is not null);
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: "one\rtwo\rthree\rquit\r", tty: true);
        Assert.Contains("you said: two", output);
        Assert.DoesNotContain("you said: three", output);
        Assert.Equal(255, code);
    }

    [Fact]
    public async Task Slow_device_answers_every_command_late()
    {
        var device = lab.Spec.Devices.Single(d => d.Faults.SlowReplyMs > 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: "one\rtwo\rquit\r", tty: true);
        Assert.Equal(0, code);
        Assert.Contains("you said: two", output);
        // Three lines read, each held back before the device answers.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(3 * device.Faults.SlowReplyMs), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Hung_device_keeps_the_connection_but_never_answers_again()
    {
        var device = lab.Spec.Devices.Single(d => d.Faults.HangAfterCommands is not null);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address,
            input: "one\rtwo\rquit\r", tty: true, timeout: TimeSpan.FromSeconds(2)));
        Assert.Contains("you said: one", error.Message);
        Assert.DoesNotContain("you said: two", error.Message);
    }

    public sealed class EchoLab() : LabFixture(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        [
            new LabDevice("echo-1", "127.0.9.1", EchoPlatform.Instance.Name, DeviceFaults.None),
            new LabDevice("echo-2", "127.0.9.2", EchoPlatform.Instance.Name, DeviceFaults.None),
            new LabDevice("echo-3", "127.0.9.3", EchoPlatform.Instance.Name, new DeviceFaults { RefuseAuth = true }),
            new LabDevice("echo-4", "127.0.9.4", EchoPlatform.Instance.Name, new DeviceFaults { DropAfterCommands = 2 }),
            new LabDevice("echo-5", "127.0.9.5", EchoPlatform.Instance.Name, new DeviceFaults { SlowReplyMs = 300 }),
            new LabDevice("echo-6", "127.0.9.6", EchoPlatform.Instance.Name, new DeviceFaults { HangAfterCommands = 1 }),
        ]), [EchoPlatform.Instance]);

    private sealed class EchoPlatform : ILabPlatform
    {
        public static readonly EchoPlatform Instance = new();
        public string Name => "echo";
        public string ShortName => "echo";
        public DeviceState CreateFactoryState(LabDevice device) => new();
        public void Revert(DeviceState state, PendingRevert pending) => state.RunningConfig = pending.RestoreConfig;

        public async Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken)
        {
            var terminal = session.Terminal;
            if (session.ExecCommand is { } exec)
            {
                await terminal.WriteAsync($"device={session.Device.Name} exec={exec}\n", cancellationToken);
                return;
            }

            while (true)
            {
                await terminal.WriteAsync($"{session.Device.Name}> ", cancellationToken);
                var line = await terminal.ReadLineAsync(cancellationToken);
                if (line is null or "quit")
                {
                    return;
                }

                await terminal.WriteAsync($"you said: {line}\n", cancellationToken);
            }
        }
    }
}
