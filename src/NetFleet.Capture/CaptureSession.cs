using System.Diagnostics;
using System.Threading.Channels;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture;

/// <summary>
/// A live capture on one interface. libpcap's capture thread hands each packet to a bounded channel
/// and returns at once; one task takes them from there, writes the pcap files, feeds the summariser,
/// applies the limits and emits <see cref="Progress"/> every summary interval. Nothing here blocks
/// the caller: start, read progress, stop and await <see cref="Completion"/>.
/// </summary>
public sealed class CaptureSession : IAsyncDisposable
{
    // A reference no capture can equal: the ticker's "emit a summary now" in the packet channel.
    private static readonly RawCapture Tick = new(LinkLayers.Null, new PosixTimeval(), []);

    private readonly CaptureOptions _options;
    private readonly LibPcapLiveDevice _device;
    private readonly Channel<RawCapture> _packets;
    private readonly Channel<CaptureProgress> _progress;
    private readonly CancellationTokenSource _stop = new();
    private readonly TrafficSummariser _summariser = new();
    private readonly RotatingPcapWriter? _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task<CaptureResult> _completion;
    private long _queueDropped;
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

        _device.OnPacketArrival += OnPacketArrival;
        _device.OnCaptureStopped += OnCaptureStopped;
        _device.StartCapture();
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

        // Opening an interface and compiling a filter are quick system calls, but they are I/O.
        return Task.Run(() => new CaptureSession(options, Open(options)), cancellationToken);
    }

    private static LibPcapLiveDevice Open(CaptureOptions options)
    {
        var devices = LibPcapLiveDeviceList.New();
        var device = devices.FirstOrDefault(d => d.Name == options.Interface);
        if (device is null)
        {
            var names = devices.Select(d => d.Name).ToList();
            throw new CaptureException(CaptureErrorKind.UnknownInterface,
                $"no interface '{options.Interface}'; available: {string.Join(", ", names)}")
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
                ReadTimeout = 100,
                Immediate = true,
                BufferSize = options.KernelBufferBytes,
            });
        }
        catch (PcapException e) when (e.Error == PcapError.PermissionDenied || e.Message.Contains("permi", StringComparison.OrdinalIgnoreCase))
        {
            throw new CaptureException(CaptureErrorKind.NotPermitted,
                $"capturing on {options.Interface} needs root or the cap_net_raw and cap_net_admin capabilities ({e.Message})", e);
        }
        catch (PcapException e)
        {
            throw new CaptureException(CaptureErrorKind.DeviceFailed, $"cannot open {options.Interface}: {e.Message}", e);
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

    /// <summary>Stops the capture (packets already captured are still processed) and returns the result.</summary>
    public Task<CaptureResult> StopAsync()
    {
        SetReason(CaptureStopReason.Stopped);
        _stop.Cancel();
        return _completion;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void OnPacketArrival(object sender, PacketCapture e)
    {
        if (!_packets.Writer.TryWrite(CapturedPacket.Copy(e)))
        {
            Interlocked.Increment(ref _queueDropped);
        }
    }

    private void OnCaptureStopped(object sender, CaptureStoppedEventStatus status)
    {
        if (status == CaptureStoppedEventStatus.ErrorWhileCapturing)
        {
            _error = $"capture on {_options.Interface} failed: {_device.LastError}";
            SetReason(CaptureStopReason.Failed);
            _stop.Cancel();
        }
    }

    private async Task StopAfterAsync(TimeSpan duration)
    {
        try
        {
            await Task.Delay(duration, _stop.Token).ConfigureAwait(false);
            SetReason(CaptureStopReason.Duration);
            _stop.Cancel();
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

    private void SetReason(CaptureStopReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1);

    private async Task<CaptureResult> PumpAsync()
    {
        var reader = _packets.Reader;
        var lastPackets = 0L;
        var lastBytes = 0L;
        var lastTick = TimeSpan.Zero;
        var limitReached = false;
        try
        {
            while (!limitReached && await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (!limitReached && reader.TryRead(out var packet))
                {
                    if (ReferenceEquals(packet, Tick))
                    {
                        var now = _clock.Elapsed;
                        EmitProgress(now, now - lastTick, _summariser.Packets - lastPackets, _summariser.Bytes - lastBytes);
                        (lastTick, lastPackets, lastBytes) = (now, _summariser.Packets, _summariser.Bytes);
                    }
                    else
                    {
                        limitReached = !Process(packet);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped by the caller, the duration or a capture error: drain below.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PcapException)
        {
            _error = $"capture on {_options.Interface} failed: {e.Message}";
            SetReason(CaptureStopReason.Failed);
        }

        _stop.Cancel();
        CaptureDrops drops;
        try
        {
            _device.StopCapture();
            drops = ReadDrops();
        }
        finally
        {
            _packets.Writer.TryComplete();
            _device.OnPacketArrival -= OnPacketArrival;
            _device.OnCaptureStopped -= OnCaptureStopped;
            _device.Close();
        }

        try
        {
            while (!limitReached && _error is null && reader.TryRead(out var packet))
            {
                if (!ReferenceEquals(packet, Tick))
                {
                    limitReached = !Process(packet);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PcapException)
        {
            _error = $"capture on {_options.Interface} failed: {e.Message}";
            SetReason(CaptureStopReason.Failed);
        }

        try
        {
            _writer?.Dispose();
        }
        catch (PcapException e)
        {
            _error ??= $"closing the capture file failed: {e.Message}";
        }

        var elapsed = _clock.Elapsed;
        var summary = _summariser.Summarise(_options.Top);
        _progress.Writer.TryComplete();
        return new CaptureResult(_options.Interface, _options.Filter, (CaptureStopReason)Volatile.Read(ref _reason), _error,
            elapsed, summary, drops, _writer?.Files ?? [], _writer?.DeletedFiles ?? 0);
    }

    /// <summary>Takes one packet in; false when a limit says the capture is over (that packet may be excluded).</summary>
    private bool Process(RawCapture packet)
    {
        var wire = Math.Max(packet.PacketLength, packet.Data.Length);
        if (_options.MaxBytes is { } maxBytes && _summariser.Bytes + wire > maxBytes)
        {
            SetReason(CaptureStopReason.ByteCount);
            return false;
        }

        _writer?.Write(packet);
        _summariser.Add(packet);
        if (_options.MaxPackets is { } maxPackets && _summariser.Packets >= maxPackets)
        {
            SetReason(CaptureStopReason.PacketCount);
            return false;
        }

        if (_options.MaxBytes is { } max && _summariser.Bytes >= max)
        {
            SetReason(CaptureStopReason.ByteCount);
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
            return new CaptureDrops(stats.ReceivedPackets, stats.DroppedPackets, stats.InterfaceDroppedPackets,
                Interlocked.Read(ref _queueDropped));
        }
        catch (PcapException)
        {
            return new CaptureDrops(0, 0, 0, Interlocked.Read(ref _queueDropped));
        }
    }
}
