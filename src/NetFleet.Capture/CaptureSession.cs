using System.Diagnostics;
using System.Threading.Channels;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture;

/// <summary>
/// A live capture on one interface. A dedicated capture thread reads packets from libpcap and
/// hands each to a bounded channel without waiting; one task takes them from there, writes the
/// pcap files, feeds the summariser, applies the limits and emits <see cref="Progress"/> every
/// summary interval. Nothing here blocks the caller: start, read progress, stop and await
/// <see cref="Completion"/>.
/// </summary>
/// <remarks>
/// On stop the capture thread keeps reading until libpcap's buffer holds nothing older than the
/// stop, so every packet that arrived before it is processed, even when the decoder lags behind
/// a burst; what is lost is only what libpcap or the queue dropped, and both are counted.
/// </remarks>
public sealed class CaptureSession : IAsyncDisposable
{
    // A reference no capture can equal: the ticker's "emit a summary now" in the packet channel.
    private static readonly RawCapture Tick = new(LinkLayers.Null, new PosixTimeval(), []);

    private static readonly TimeSpan BlockTimeout = TimeSpan.FromMilliseconds(100);

    private readonly CaptureOptions _options;
    private readonly LibPcapLiveDevice _device;
    private readonly Channel<RawCapture> _packets;
    private readonly Channel<CaptureProgress> _progress;
    private readonly CancellationTokenSource _stop = new();
    private readonly TrafficSummariser _summariser = new();
    private readonly RotatingPcapWriter? _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _capturing;
    private readonly Task<CaptureResult> _completion;
    private long _queueDropped;
    private long _stopAtTicks = long.MaxValue;
    private volatile bool _pumpDone;
    private int _reason = -1;
    private string? _error;

    private CaptureSession(CaptureOptions options, LibPcapLiveDevice device)
    {
        _options = options;
        _device = device;
        _packets = Channel.CreateBounded<RawCapture>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _progress = Channel.CreateBounded<CaptureProgress>(new BoundedChannelOptions(64)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        if (options.OutputDirectory is { } directory)
        {
            _writer = new RotatingPcapWriter(directory, options.FilePrefix, device.LinkType, options.SnapLength,
                options.RotateFileBytes, options.RotateFileCount);
        }

        _capturing = Task.Factory.StartNew(CaptureLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (options.Duration is { } duration)
        {
            _ = StopAfterAsync(duration);
        }

        _ = TickAsync();
        _completion = Task.Run(PumpAsync);
    }

    public CaptureOptions Options => _options;

    /// <summary>The link type libpcap reports for the interface (Ethernet for <c>lo</c>).</summary>
    public LinkLayers LinkType => _device.LinkType;

    /// <summary>A summary every interval; completes when the capture ends (slow readers lose the oldest).</summary>
    public ChannelReader<CaptureProgress> Progress => _progress.Reader;

    /// <summary>The final result; never faults — a capture that failed says so in its result.</summary>
    public Task<CaptureResult> Completion => _completion;

    /// <summary>
    /// Opens the interface, applies the filter and starts capturing. Throws
    /// <see cref="CaptureException"/> for bad options, an unknown interface, missing privileges or a
    /// filter libpcap rejects.
    /// </summary>
    public static Task<CaptureSession> StartAsync(CaptureOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CaptureException(CaptureErrorKind.InvalidOptions, string.Join("; ", problems));
        }

        return StartInAsync(options, cancellationToken);
    }

    private static async Task<CaptureSession> StartInAsync(CaptureOptions options, CancellationToken cancellationToken)
    {
        if (options.Namespace is not { } netns)
        {
            // Opening an interface and compiling a filter are quick system calls, but they are I/O.
            return await Task.Run(() => new CaptureSession(options, Open(options)), cancellationToken).ConfigureAwait(false);
        }

        LibPcapLiveDevice device;
        try
        {
            // libpcap's AF_PACKET socket stays in the namespace it was opened in; reading it from the capture thread is fine.
            device = await NetworkNamespace.RunAsync(netns, () => Open(options)).ConfigureAwait(false);
        }
        catch (NetworkNamespaceException e)
        {
            throw new CaptureException(
                e.Kind == NetworkNamespaceErrorKind.NotPermitted ? CaptureErrorKind.NotPermitted : CaptureErrorKind.UnknownNamespace, e.Message, e);
        }

        return new CaptureSession(options, device);
    }

    private static LibPcapLiveDevice Open(CaptureOptions options)
    {
        // Inside a namespace libpcap lists that namespace's interfaces (and its pseudo-devices such as any).
        var devices = LibPcapLiveDeviceList.New();
        var device = devices.FirstOrDefault(d => d.Name == options.Interface);
        if (device is null)
        {
            var names = devices.Select(d => d.Name).ToList();
            throw new CaptureException(CaptureErrorKind.UnknownInterface,
                $"no interface '{options.Interface}'{(options.Namespace is { } netns ? $" in network namespace {netns}" : "")}; "
                + $"available: {string.Join(", ", names)}")
            {
                AvailableInterfaces = names,
            };
        }

        try
        {
            device.Open(new DeviceConfiguration
            {
                Snaplen = options.SnapLength,
                Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                // libpcap hands over a block of packets at the latest this long after its first packet,
                // and the capture thread's poll() waits at most this long. Immediate mode would deliver
                // sooner, but with it libpcap 1.10 lost packets on lo without counting them as drops.
                ReadTimeout = (int)BlockTimeout.TotalMilliseconds,
                BufferSize = options.KernelBufferBytes,
            });
        }
        catch (PcapException e) when (e.Error == PcapError.PermissionDenied || e.Message.Contains("permi", StringComparison.OrdinalIgnoreCase))
        {
            throw new CaptureException(CaptureErrorKind.NotPermitted,
                $"capturing on {options.QualifiedInterface} needs root or the cap_net_raw and cap_net_admin capabilities ({e.Message})", e);
        }
        catch (PcapException e)
        {
            throw new CaptureException(CaptureErrorKind.DeviceFailed, $"cannot open {options.QualifiedInterface}: {e.Message}", e);
        }

        if (!string.IsNullOrWhiteSpace(options.Filter))
        {
            try
            {
                device.Filter = options.Filter;
            }
            catch (PcapException e)
            {
                device.Close();
                throw new CaptureException(CaptureErrorKind.BadFilter, $"bad capture filter \"{options.Filter}\": {e.Message}", e);
            }
        }

        return device;
    }

    /// <summary>Stops the capture (packets that arrived before the stop are still processed) and returns the result.</summary>
    public Task<CaptureResult> StopAsync()
    {
        RequestStop(CaptureStopReason.Stopped);
        return _completion;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void RequestStop(CaptureStopReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, -1);
        Interlocked.CompareExchange(ref _stopAtTicks, DateTime.UtcNow.Ticks, long.MaxValue);
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    private bool StopRequested => Interlocked.Read(ref _stopAtTicks) != long.MaxValue;

    /// <summary>The capture thread: blocks in libpcap (poll with a timeout), never in the channel.</summary>
    private void CaptureLoop()
    {
        // After a stop, two empty reads in a row span more than the block timeout: by then every
        // block holding packets from before the stop has been handed over and read.
        var emptyReadsSinceStop = 0;
        try
        {
            // Once the pump is done (a limit, a failure) nothing more is wanted: reading on would only
            // fill the queue and count its overflow as drops.
            while (!_pumpDone)
            {
                var status = _device.GetNextPacket(out var capture);
                if (status == GetPacketStatus.PacketRead)
                {
                    emptyReadsSinceStop = 0;
                    if (StopRequested && capture.Header.Timeval.Date.Ticks > Interlocked.Read(ref _stopAtTicks))
                    {
                        return;
                    }

                    if (!_packets.Writer.TryWrite(CapturedPacket.Copy(capture)))
                    {
                        Interlocked.Increment(ref _queueDropped);
                    }
                }
                else if (status == GetPacketStatus.ReadTimeout)
                {
                    if (StopRequested && ++emptyReadsSinceStop == 2)
                    {
                        return;
                    }
                }
                else
                {
                    _error = $"capture on {_options.QualifiedInterface} failed: {_device.LastError}";
                    RequestStop(CaptureStopReason.Failed);
                    return;
                }
            }
        }
        catch (Exception e)
        {
            _error = $"capture on {_options.QualifiedInterface} failed: {e.Message}";
            RequestStop(CaptureStopReason.Failed);
        }
        finally
        {
            _packets.Writer.TryComplete();
        }
    }

    private async Task StopAfterAsync(TimeSpan duration)
    {
        try
        {
            await Task.Delay(duration, _stop.Token).ConfigureAwait(false);
            RequestStop(CaptureStopReason.Duration);
        }
        catch (OperationCanceledException)
        {
            // Stopped before the duration ran out.
        }
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.SummaryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                _packets.Writer.TryWrite(Tick);
            }
        }
        catch (OperationCanceledException)
        {
            // The capture ended.
        }
    }

    private async Task<CaptureResult> PumpAsync()
    {
        var reader = _packets.Reader;
        var lastPackets = 0L;
        var lastBytes = 0L;
        var lastTick = TimeSpan.Zero;
        var open = true;
        try
        {
            while (open && await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (open && reader.TryRead(out var packet))
                {
                    if (ReferenceEquals(packet, Tick))
                    {
                        var now = _clock.Elapsed;
                        EmitProgress(now, now - lastTick, _summariser.Packets - lastPackets, _summariser.Bytes - lastBytes);
                        (lastTick, lastPackets, lastBytes) = (now, _summariser.Packets, _summariser.Bytes);
                    }
                    else
                    {
                        open = Process(packet);
                    }
                }
            }
        }
        catch (Exception e)
        {
            // Whatever broke, the capture thread must be stopped and the caller told, not left hanging.
            _error ??= $"processing the capture of {_options.QualifiedInterface} failed: {e.Message}";
            RequestStop(CaptureStopReason.Failed);
        }

        // A limit or a failure ended the pump first: the capture thread notices within a read timeout.
        _pumpDone = true;
        RequestStop(CaptureStopReason.Stopped);
        await _capturing.ConfigureAwait(false);
        var drops = ReadDrops();
        _device.Close();
        try
        {
            _writer?.Dispose();
        }
        catch (PcapException e)
        {
            _error ??= $"closing the capture file failed: {e.Message}";
        }

        var summary = _summariser.Summarise(_options.Top);
        _progress.Writer.TryComplete();
        return new CaptureResult(_options.QualifiedInterface, _options.Filter, (CaptureStopReason)Volatile.Read(ref _reason), _error,
            _clock.Elapsed, summary, drops, _writer?.Files ?? [], _writer?.DeletedFiles ?? 0);
    }

    /// <summary>Takes one packet in; false when a limit says the capture is over (that packet may be excluded).</summary>
    private bool Process(RawCapture packet)
    {
        var wire = Math.Max(packet.PacketLength, packet.Data.Length);
        if (_options.MaxBytes is { } maxBytes && _summariser.Bytes + wire > maxBytes)
        {
            RequestStop(CaptureStopReason.ByteCount);
            return false;
        }

        _writer?.Write(packet);
        _summariser.Add(packet);
        if (_options.MaxPackets is { } maxPackets && _summariser.Packets >= maxPackets)
        {
            RequestStop(CaptureStopReason.PacketCount);
            return false;
        }

        if (_options.MaxBytes is { } max && _summariser.Bytes >= max)
        {
            RequestStop(CaptureStopReason.ByteCount);
            return false;
        }

        return true;
    }

    private void EmitProgress(TimeSpan now, TimeSpan interval, long packets, long bytes)
    {
        var seconds = Math.Max(interval.TotalSeconds, 1e-6);
        _progress.Writer.TryWrite(new CaptureProgress(now, packets, bytes, packets / seconds, bytes / seconds,
            ReadDrops(), _summariser.Summarise(_options.Top)));
    }

    private CaptureDrops ReadDrops()
    {
        try
        {
            var stats = _device.Statistics;
            // libpcap reads interface drops (promiscuous captures only) from /sys/class/net, which lists the interfaces of
            // the namespace /sys was mounted in (the node's own), not those of the capture's namespace: unknown there.
            return new CaptureDrops(stats.ReceivedPackets, stats.DroppedPackets, _options.Namespace is null ? stats.InterfaceDroppedPackets : 0,
                Interlocked.Read(ref _queueDropped));
        }
        catch (PcapException)
        {
            return new CaptureDrops(0, 0, 0, Interlocked.Read(ref _queueDropped));
        }
    }
}
