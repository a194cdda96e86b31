using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Tests.Platforms;

namespace NetFleet.Lab.Tests.Devices;

public class DeviceStateTests
{
    [Fact]
    public async Task Device_state_round_trips_through_json_with_every_platform_part()
    {
        var ios = new LabSession(new CiscoIos());
        await ios.RunAsync("enable", LabDefaults.EnableSecret, "archive config", "configure replace flash:archive-1 force time 30");
        var eos = new LabSession(new AristaEos());
        await eos.RunAsync("enable", LabDefaults.EnableSecret, "configure session s1", "ntp server 192.0.2.1", "end");
        var junos = new LabSession(new JuniperJunos());
        await junos.RunAsync("configure", "set system ntp server 192.0.2.1", "commit", "set system ntp server 192.0.2.2", "exit", "yes");

        foreach (var lab in new[] { ios, eos, junos })
        {
            var json = lab.State.Read(s => JsonSerializer.Serialize(s));
            var back = JsonSerializer.Deserialize<DeviceState>(json)!;

            Assert.Equal(json, JsonSerializer.Serialize(back));
        }
        var restored = JsonSerializer.Deserialize<DeviceState>(ios.State.Read(s => JsonSerializer.Serialize(s)))!;
        Assert.Equal(["archive-1"], restored.Archive);
        Assert.NotNull(restored.PendingRevert);
        Assert.Equal(2, JsonSerializer.Deserialize<DeviceState>(junos.State.Read(s => JsonSerializer.Serialize(s)))!.Commits.Count);
    }

    [Fact]
    public async Task Changes_persist_across_sessions_and_are_reported_to_the_host()
    {
        var platform = new CiscoIos();
        var device = new LabDevice("r1", "127.0.1.5", platform.Name, DeviceFaults.None);
        var saved = new List<string>();
        var store = new DeviceStateStore(platform.CreateFactoryState(device), s => saved.Add(s.RunningConfig));
        var lab = new LabSession(platform);

        await RunAsync(platform, device, store, "enable", LabDefaults.EnableSecret, "conf t", "hostname kept", "end");
        var terminal = await RunAsync(platform, device, store, "enable", LabDefaults.EnableSecret);

        Assert.EndsWith("kept#", terminal);
        Assert.Contains(saved, s => s.Contains("hostname kept", StringComparison.Ordinal));
        Assert.Contains("hostname r1", lab.Running);
    }

    [Fact]
    public void Pending_revert_is_rearmed_when_the_lab_loads_saved_state()
    {
        var time = new FakeTime();
        var clock = new LabClock(time, TimeSpan.FromMinutes(1));
        var platform = new JuniperJunos();
        var device = new LabDevice("vmx1", "127.0.1.5", platform.Name, DeviceFaults.None);
        var state = platform.CreateFactoryState(device);
        var factory = state.RunningConfig;
        state.RunningConfig = factory.Replace("host-name vmx1;", "host-name vmx2;", StringComparison.Ordinal);
        state.PendingRevert = new PendingRevert { Id = "restart", Deadline = time.GetUtcNow().AddMinutes(3), RestoreConfig = factory };
        var saved = JsonSerializer.Deserialize<DeviceState>(JsonSerializer.Serialize(state))!;
        var store = new DeviceStateStore(saved);

        RevertTimers.Resume(store, clock, platform.Revert);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Contains("host-name vmx2;", store.Read(s => s.RunningConfig));
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(factory, store.Read(s => s.RunningConfig));
        Assert.Null(store.Read(s => s.PendingRevert));
    }

    private static async Task<string> RunAsync(ILabPlatform platform, LabDevice device, DeviceStateStore store, params string[] input)
    {
        var terminal = new Terminal.ScriptedTerminal(input);
        await platform.RunSessionAsync(new DeviceSession(device, store, terminal, LabClock.RealTime, LabDefaults.Username), CancellationToken.None);
        return terminal.Transcript;
    }
}
