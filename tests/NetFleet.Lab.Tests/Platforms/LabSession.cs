using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Tests.Devices;
using NetFleet.Lab.Tests.Terminal;

namespace NetFleet.Lab.Tests.Platforms;

/// <summary>One device of a platform and a way to run scripted sessions against it.</summary>
internal sealed class LabSession
{
    public LabSession(ILabPlatform platform, string name = "r1", DeviceFaults? faults = null, LabClock? clock = null,
        IosCapabilities? capabilities = null)
    {
        Platform = platform;
        Device = new LabDevice(name, "127.0.1.5", platform.Name, faults ?? DeviceFaults.None)
        {
            Capabilities = capabilities ?? IosCapabilities.Classic,
        };
        State = new DeviceStateStore(platform.CreateFactoryState(Device));
        Clock = clock ?? LabClock.RealTime;
    }

    public ILabPlatform Platform { get; }
    public LabDevice Device { get; }
    public DeviceStateStore State { get; }
    public LabClock Clock { get; }

    /// <summary>The lines every session of this device received, as the lab host keeps them.</summary>
    public CommandLog Commands { get; } = new();

    public Task<string> RunAsync(params string[] input) => RunAsync(interactive: true, input);

    /// <summary>Input piped to ssh without a pty: the host echoes nothing.</summary>
    public Task<string> PipeAsync(params string[] input) => RunAsync(interactive: false, input);

    private async Task<string> RunAsync(bool interactive, string[] input)
    {
        var terminal = new ScriptedTerminal(input, interactive);
        await Platform.RunSessionAsync(new DeviceSession(Device, State, terminal, Clock, LabDefaults.Username) { Commands = Commands },
            CancellationToken.None);
        return terminal.Transcript;
    }

    public async Task<string> ExecAsync(string command)
    {
        var terminal = new ScriptedTerminal([], interactive: false);
        var session = new DeviceSession(Device, State, terminal, Clock, LabDefaults.Username) { ExecCommand = command, Commands = Commands };
        await Platform.RunSessionAsync(session, CancellationToken.None);
        return terminal.Transcript;
    }

    public string Running => State.Read(s => s.RunningConfig);

    /// <summary>Polls until a device timer has changed the state, for tests on real time.</summary>
    public async Task<bool> WaitUntilAsync(Func<DeviceState, bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!State.Read(condition))
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }

    /// <summary>A device on a <see cref="FakeTime"/> clock whose device minute is a real minute.</summary>
    public static LabSession OnFakeTime(ILabPlatform platform, out FakeTime time, string name = "r1")
    {
        time = new FakeTime();
        return new LabSession(platform, name, clock: new LabClock(time, TimeSpan.FromMinutes(1)));
    }
}
