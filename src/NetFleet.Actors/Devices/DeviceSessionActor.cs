using System.Diagnostics;
using Akka.Actor;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// Owns one driver session: opens it when started, runs one request at a time for its parent, and stops
/// itself when the session becomes unusable (a failed open, a drop, a timeout). The parent decides on
/// retries; this actor never retries anything itself.
/// </summary>
internal sealed class DeviceSessionActor : ReceiveActor
{
    internal sealed record Execute(RunDeviceRequest Request);
    internal sealed record Close;
    internal sealed record Opened(TimeSpan Elapsed);
    internal sealed record OpenFailed(DeviceException Error);
    internal sealed record Executed(long RequestId, object Reply, bool SessionUsable);

    private sealed record Closed;

    private readonly IActorRef owner;
    private readonly IDeviceDriver driver;

    public DeviceSessionActor(IActorRef owner, DeviceConnectionOptions options)
    {
        this.owner = owner;
        driver = DeviceDriver.Create(options);
        Become(Opening);
    }

    public static Props Props(IActorRef owner, DeviceConnectionOptions options) =>
        Akka.Actor.Props.Create(() => new DeviceSessionActor(owner, options));

    protected override void PreStart()
    {
        var started = Stopwatch.GetTimestamp();
        driver.OpenAsync().PipeTo(Self,
            success: () => new Opened(Stopwatch.GetElapsedTime(started)),
            failure: e => new OpenFailed(AsDeviceException(driver.Device, e, "open", null)));
    }

    protected override void PostStop() =>
        // Closing cannot be awaited here; the driver's dispose only tears down sockets.
        _ = driver.DisposeAsync().AsTask();

    private void Opening()
    {
        Receive<Opened>(opened =>
        {
            owner.Tell(opened);
            Become(Open);
        });
        Receive<OpenFailed>(failed =>
        {
            owner.Tell(failed);
            Context.Stop(Self);
        });
        Receive<Close>(_ => Context.Stop(Self));
    }

    private void Open()
    {
        Receive<Execute>(execute =>
        {
            var request = execute.Request;
            RunAsync(driver, request).PipeTo(Self);
        });
        Receive<Executed>(executed =>
        {
            owner.Tell(executed);
            if (!executed.SessionUsable) Context.Stop(Self);
        });
        Receive<Close>(_ =>
        {
            driver.CloseAsync().PipeTo(Self, success: () => new Closed(), failure: _ => new Closed());
            Become(() => Receive<Closed>(_ => Context.Stop(Self)));
        });
    }

    /// <summary>The device work for one request; never throws, every failure becomes a reply.</summary>
    private static async Task<Executed> RunAsync(IDeviceDriver driver, RunDeviceRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        using var cts = request.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        try
        {
            if (DeviceOperations.For(request.Request) is not DeviceOperations.SessionOperation operation)
            {
                throw new NotSupportedException($"no device support for {request.Request.GetType().Name}");
            }

            var answer = await operation.Run(driver, request, cts.Token);
            return new Executed(request.RequestId, new DeviceRequestCompleted(request.Device, request.RequestId, answer.Output, answer.Changed,
                answer.Diff, Stopwatch.GetElapsedTime(started), TimeSpan.Zero) { Strategy = answer.Strategy, Data = answer.Data }, SessionUsable: true);
        }
        catch (ExpectationFailedException e)
        {
            return Failed(FailureKind.Rejected, e.Message, usable: true);
        }
        catch (Exception e)
        {
            var error = AsDeviceException(driver.Device, e, request.Request is SendCommand s ? s.Command : "configuration", request.Timeout);
            var kind = error switch
            {
                DeviceConnectionDroppedException => FailureKind.Dropped,
                DeviceTimeoutException => FailureKind.TimedOut,
                _ => FailureKind.Rejected,
            };
            // A rejected command leaves the driver at a known prompt; anything else may not.
            return Failed(kind, error.Message, usable: error is CommandRejectedException);
        }

        Executed Failed(FailureKind kind, string message, bool usable) => new(request.RequestId,
            new DeviceRequestFailed(request.Device, request.RequestId, kind, message, Stopwatch.GetElapsedTime(started), 1), usable);
    }

    private static DeviceException AsDeviceException(string device, Exception e, string operation, TimeSpan? timeout) => e switch
    {
        DeviceException d => d,
        OperationCanceledException => new DeviceTimeoutException(device, operation, timeout ?? TimeSpan.Zero, ""),
        _ => new DeviceStateException(device, e.Message),
    };
}
