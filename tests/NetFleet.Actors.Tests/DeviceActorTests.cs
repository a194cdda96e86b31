using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Devices;
using NetFleet.Core.Playbooks.Modules;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests;

[Collection(ActorLabCollection.Name)]
public sealed class DeviceActorTests(ActorLab lab) : TestKit
{
    private static readonly DeviceActorSettings Fast =
        new(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

    private long nextId;
    private readonly Serilog.ILogger log = Serilog.Core.Logger.None;

    private IActorRef Registry() => Sys.ActorOf(DeviceRegistry.Props(Fast, log));

    private RunDeviceRequest Show(string device, string command = "show version", TimeSpan? idle = null, string? address = null) =>
        new(device, ++nextId, "test", lab.Options(device, address), new SendCommand(command, null, null), false, null,
            idle ?? TimeSpan.FromSeconds(30));

    [Fact]
    public void Session_is_reused_across_two_requests_with_one_login()
    {
        var devices = Registry();
        var before = lab.Host.SessionsServed;
        devices.Tell(Show("ios-3"));
        devices.Tell(Show("ios-3", "show clock"));
        var first = ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        var second = ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        Assert.Contains("Cisco IOS", first.Output);
        Assert.True(second.RequestId > first.RequestId);
        Assert.Equal(1, lab.Host.SessionsServed - before);
    }

    [Fact]
    public void Idle_session_is_closed_after_the_idle_timeout()
    {
        var devices = Registry();
        devices.Tell(Show("ios-4", idle: TimeSpan.FromMilliseconds(300)));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        devices.Tell(new GetSessionStatus("ios-4"));
        Assert.True(ExpectMsg<SessionStatus>().Open);
        AwaitAssert(() =>
        {
            devices.Tell(new GetSessionStatus("ios-4"));
            Assert.False(ExpectMsg<SessionStatus>().Open);
        }, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Refused_login_is_reported_as_unreachable_without_a_retry()
    {
        var devices = Registry();
        var before = lab.Host.SessionsServed;
        devices.Tell(Show("eos-refuse"));
        var failed = ExpectMsg<DeviceRequestFailed>(TimeSpan.FromSeconds(15));
        Assert.Equal(FailureKind.Unreachable, failed.Kind);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("eos-refuse", failed.Message);
        Assert.DoesNotContain(Lab.Devices.LabDefaults.Password, failed.Message);
        Assert.Equal(before, lab.Host.SessionsServed);
    }

    [Fact]
    public void Unreachable_device_is_retried_with_backoff_then_fails_fast_while_the_circuit_is_open()
    {
        var devices = Registry();
        var started = Stopwatch.GetTimestamp();
        devices.Tell(Show("ghost", address: "127.0.8.200"));
        var first = ExpectMsg<DeviceRequestFailed>(TimeSpan.FromSeconds(15));
        var firstElapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(FailureKind.Unreachable, first.Kind);
        Assert.Equal(3, first.Attempts);
        // Backoff before attempts 2 and 3: 100 ms and 200 ms, each with at most 20 % jitter.
        Assert.True(firstElapsed >= TimeSpan.FromMilliseconds(240), $"retries took only {firstElapsed.TotalMilliseconds} ms");

        started = Stopwatch.GetTimestamp();
        devices.Tell(Show("ghost", address: "127.0.8.200"));
        var second = ExpectMsg<DeviceRequestFailed>(TimeSpan.FromSeconds(5));
        Assert.Equal(0, second.Attempts);
        Assert.Contains("circuit open", second.Message);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(200));
        devices.Tell(new GetSessionStatus("ghost"));
        Assert.True(ExpectMsg<SessionStatus>().CircuitOpen);
    }

    [Fact]
    public void Connection_drop_mid_request_is_reported_and_the_next_request_reconnects()
    {
        var devices = Registry();
        FailureKind? kind = null;
        for (var i = 0; i < 8 && kind is null; i++)
        {
            devices.Tell(Show("ios-drop", "show clock"));
            var reply = ExpectMsg<object>(TimeSpan.FromSeconds(15));
            if (reply is DeviceRequestFailed failed) kind = failed.Kind;
        }

        Assert.Equal(FailureKind.Dropped, kind);
        devices.Tell(Show("ios-drop", "show clock"));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
    }
}
