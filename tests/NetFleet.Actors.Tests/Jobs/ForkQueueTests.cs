using NetFleet.Actors.Jobs;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Jobs;

public sealed class ForkQueueTests
{
    private static readonly DeviceConnectionOptions Unused = new("127.0.0.1", "cisco_ios", new SshCredentials("nobody")) { Port = 1 };
    private long requestId;

    private RunDeviceRequest Task(string device, string command) =>
        new(device, ++requestId, "job-1", Unused, new SendCommand(command, null, null), false, null, TimeSpan.FromMinutes(1));

    [Fact]
    public void A_reached_devices_next_task_goes_before_devices_not_reached_yet()
    {
        var queue = new ForkQueue();
        queue.Sending(Task("r1", "show version"));
        foreach (var device in new[] { "r2", "r3", "r4" }) queue.Enqueue(Task(device, "show version"));

        // r1's first task answered: its second arrives behind three first contacts and still goes next.
        queue.Enqueue(Task("r1", "show clock"));
        var order = new List<string> { Describe(queue.Dequeue()), Describe(queue.Dequeue()) };
        // r2 was sent its first task, so its second overtakes r3 and r4 as well.
        queue.Enqueue(Task("r2", "show clock"));
        while (queue.Count > 0) order.Add(Describe(queue.Dequeue()));

        Assert.Equal(["r1 show clock", "r2 show version", "r2 show clock", "r3 show version", "r4 show version"], order);
    }

    [Fact]
    public void Clearing_drops_every_waiting_request()
    {
        var queue = new ForkQueue();
        queue.Sending(Task("r1", "show version"));
        queue.Enqueue(Task("r1", "show clock"));
        queue.Enqueue(Task("r2", "show version"));

        queue.Clear();

        Assert.Equal(0, queue.Count);
    }

    private static string Describe(RunDeviceRequest request) => $"{request.Device} {((SendCommand)request.Request).Command}";
}
