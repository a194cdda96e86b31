using System.Diagnostics;
using System.Text.RegularExpressions;
using Akka.Actor;
using DiffPlex;
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
            var (output, changed, diff, strategy) = request.Request switch
            {
                SendCommand send => await SendAsync(driver, send, request.Timeout, cts.Token),
                ApplyConfig apply when request.Check => await CompareAsync(driver, apply, cts.Token),
                ApplyConfig { ConfirmMinutes: { } minutes, Transaction: { } name } apply => await ApplyTransactionAsync(driver, apply,
                    new ConfigTransaction(name, minutes) { Strategy = ConfigStrategies.Parse(apply.Strategy), Backup = apply.Backup }, cts.Token),
                ApplyConfig apply => await ApplyAsync(driver, apply, cts.Token),
                ConfirmConfig confirm => await ConfirmAsync(driver, confirm, cts.Token),
                RestoreConfig restore => (await driver.RestoreConfigAsync(restore.Backup, restore.RestorePoint, cts.Token), false, null, null),
                ReadConfig => ((await driver.RunCommandAsync(driver.Platform.LineConfigCommand, request.Timeout, cts.Token)).Output, false, null, null),
                _ => throw new NotSupportedException($"no device support for {request.Request.GetType().Name}"),
            };
            return new Executed(request.RequestId, new DeviceRequestCompleted(request.Device, request.RequestId, output, changed, diff,
                Stopwatch.GetElapsedTime(started), TimeSpan.Zero) { Strategy = strategy }, SessionUsable: true);
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

    private static async Task<(string?, bool, string?, string?)> SendAsync(IDeviceDriver driver, SendCommand send, TimeSpan? timeout, CancellationToken ct)
    {
        var result = await driver.RunCommandAsync(send.Command, timeout, ct);
        if (send.Expect is { } expect && !Regex.IsMatch(result.Output, expect, RegexOptions.Multiline, TimeSpan.FromSeconds(1)))
        {
            throw new ExpectationFailedException($"{driver.Device}: output of '{send.Command}' does not match '{expect}'");
        }

        return (result.Output, false, null, null);
    }

    private static async Task<(string?, bool, string?, string?)> ApplyAsync(IDeviceDriver driver, ApplyConfig apply, CancellationToken ct)
    {
        var result = await driver.ApplyConfigAsync(apply.Lines, ct);
        string? output = null;
        if (apply.Save && driver.Platform.SaveConfigCommand is { } save)
        {
            output = (await driver.RunCommandAsync(save, null, ct)).Output;
        }

        return (output, result.Changed, result.Diff, null);
    }

    /// <summary>The change under its transaction (with <c>replace</c>, live but unconfirmed); the output is where the
    /// device keeps the configuration from before, if it does.</summary>
    private static async Task<(string?, bool, string?, string?)> ApplyTransactionAsync(IDeviceDriver driver, ApplyConfig apply,
        ConfigTransaction transaction, CancellationToken ct)
    {
        var result = await driver.ApplyTransactionAsync(apply.Lines, transaction, ct);
        return (result.RestorePoint, result.Changed, result.Diff, result.Strategy?.Name());
    }

    private static async Task<(string?, bool, string?, string?)> ConfirmAsync(IDeviceDriver driver, ConfirmConfig confirm, CancellationToken ct)
    {
        await driver.ConfirmConfigAsync(new ConfigTransaction(confirm.Transaction, 0) { Strategy = ConfigStrategies.Parse(confirm.Strategy) }, ct);
        string? output = null;
        if (confirm.Save && driver.Platform.SaveConfigCommand is { } save)
        {
            output = (await driver.RunCommandAsync(save, null, ct)).Output;
        }

        return (output, true, null, confirm.Strategy);
    }

    /// <summary>Check mode: the lines missing from the running configuration (compared the platform's way, section-aware)
    /// are the change the task would make.</summary>
    private static async Task<(string?, bool, string?, string?)> CompareAsync(IDeviceDriver driver, ApplyConfig apply, CancellationToken ct)
    {
        var running = (await driver.RunCommandAsync(driver.Platform.LineConfigCommand, null, ct)).Output;
        var missing = driver.Platform.PendingLines(apply.Lines, running);
        if (missing.Count == 0) return (null, false, null, null);

        var before = string.Join('\n', running.Split('\n').Select(l => l.TrimEnd()));
        var after = before + "\n" + string.Join('\n', missing);
        var diff = Differ.Instance.CreateLineDiffs(before, after, ignoreWhitespace: true);
        var added = diff.DiffBlocks.SelectMany(b => diff.PiecesNew.Skip(b.InsertStartB).Take(b.InsertCountB)).Select(l => "+ " + l);
        return (null, true, string.Join('\n', added), null);
    }

    private static DeviceException AsDeviceException(string device, Exception e, string operation, TimeSpan? timeout) => e switch
    {
        DeviceException d => d,
        OperationCanceledException => new DeviceTimeoutException(device, operation, timeout ?? TimeSpan.Zero, ""),
        _ => new DeviceStateException(device, e.Message),
    };

    private sealed class ExpectationFailedException(string message) : Exception(message);
}
