using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NetFleet.Devices.Transport;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NetFleet.Devices.Channel;

/// <summary>What a read consumed: the text before the prompt line, and the prompt line itself.</summary>
public readonly record struct ChannelRead(string Output, string Prompt);

/// <summary>
/// Reads an interactive shell until a prompt and writes commands. SSH.NET's own reads block a thread,
/// so data is taken only when SSH.NET has announced it (its DataReceived event) and the reader
/// awaits that announcement otherwise. Pager prompts are answered while reading.
/// </summary>
public sealed class ShellChannel : IAsyncDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private const int InitialTextChars = 1024;
    private const int ReadBytes = 16 * 1024;

    private readonly ShellStream stream;
    private readonly SshTransport transport;
    private readonly string device;
    private readonly Regex? pager;
    private readonly string[] secrets;
    private readonly Decoder decoder = Utf8.GetDecoder();
    private readonly Lock gate = new();
    // A session mostly sits idle between tasks, thousands at once on a big fleet: the text buffer starts small, grows
    // for a long reply and is let go again once the reply is consumed, and bytes are read through a pooled buffer.
    private char[] text = new char[InitialTextChars];
    private int length;
    private int pagerAnsweredAt = -1;
    private TaskCompletionSource? waiter;
    private bool signaled;
    private volatile bool closed;
    private Exception? closeReason;

    /// <param name="secrets">Text never to repeat in an error (a device may echo an enable secret).</param>
    public ShellChannel(SshTransport transport, ShellStream stream, string device, Regex? pager, IEnumerable<string> secrets)
    {
        this.secrets = [.. secrets.Where(s => s.Length > 0)];
        this.transport = transport;
        this.stream = stream;
        this.device = device;
        this.pager = pager;
        stream.DataReceived += OnData;
        stream.Closed += OnClosed;
        stream.ErrorOccurred += OnError;
        transport.ConnectionLost += OnError;
    }

    public bool IsClosed => closed;

    /// <summary>Sends text as typed; commands end with "\n".</summary>
    public void Write(string input, string operation)
    {
        if (closed)
        {
            throw new DeviceConnectionDroppedException(device, operation, closeReason);
        }

        var count = Utf8.GetByteCount(input);
        var buffer = count <= 256 ? stackalloc byte[count] : new byte[count];
        Utf8.GetBytes(input, buffer);
        try
        {
            stream.Write(buffer);
            stream.Flush();
        }
        catch (Exception e) when (e is ObjectDisposedException or SshException or IOException)
        {
            throw new DeviceConnectionDroppedException(device, operation, e);
        }
    }

    /// <summary>
    /// Reads until the last line matches <paramref name="until"/>. With <paramref name="afterNewline"/> the
    /// match only counts on a line that began after a line break, so the echo of a command or a prompt
    /// left over from before cannot end the read early.
    /// </summary>
    public async ValueTask<ChannelRead> ReadUntilAsync(Regex until, string operation, TimeSpan timeout,
        CancellationToken cancellationToken, bool afterNewline = true)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            Pump();
            var lineStart = text.AsSpan(0, length).LastIndexOf('\n') + 1;
            var line = text.AsSpan(lineStart, length - lineStart);
            if ((lineStart > 0 || !afterNewline) && until.IsMatch(line))
            {
                var output = new string(text, 0, lineStart);
                var prompt = line.ToString();
                Consume(length);
                return new ChannelRead(output, prompt);
            }

            if (pager is not null && length > pagerAnsweredAt && pager.IsMatch(line))
            {
                pagerAnsweredAt = length;
                Write(" ", operation);
            }

            if (closed && !DataAvailable())
            {
                throw new DeviceConnectionDroppedException(device, operation, closeReason);
            }

            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            try
            {
                await WaitForDataAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new DeviceTimeoutException(device, operation, timeout, Tail());
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        stream.DataReceived -= OnData;
        stream.Closed -= OnClosed;
        stream.ErrorOccurred -= OnError;
        transport.ConnectionLost -= OnError;
        stream.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task WaitForDataAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException();
        }

        TaskCompletionSource next;
        lock (gate)
        {
            if (signaled || closed)
            {
                signaled = false;
                return Task.CompletedTask;
            }

            // Continuations run on the pool, never on SSH.NET's receive thread.
            next = waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return next.Task.WaitAsync(remaining, cancellationToken);
    }

    private void Wake()
    {
        TaskCompletionSource? current;
        lock (gate)
        {
            current = waiter;
            waiter = null;
            signaled = current is null;
        }

        current?.TrySetResult();
    }

    private void OnData(object? sender, ShellDataEventArgs e) => Wake();

    private void OnClosed(object? sender, EventArgs e)
    {
        closed = true;
        Wake();
    }

    private void OnError(object? sender, ExceptionEventArgs e)
    {
        closeReason ??= e.Exception;
        closed = true;
        Wake();
    }

    private bool DataAvailable()
    {
        try
        {
            return stream.DataAvailable;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Moves what SSH.NET has buffered into the text buffer; never blocks (reads only announced data).</summary>
    private void Pump()
    {
        if (!DataAvailable()) return;
        var bytes = ArrayPool<byte>.Shared.Rent(ReadBytes);
        try
        {
            while (DataAvailable())
            {
                int n;
                try
                {
                    n = stream.Read(bytes, 0, bytes.Length);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                if (n == 0)
                {
                    return;
                }

                var needed = length + decoder.GetCharCount(bytes, 0, n);
                if (needed > text.Length)
                {
                    Array.Resize(ref text, Math.Max(needed, text.Length * 2));
                }

                length += decoder.GetChars(bytes, 0, n, text, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void Consume(int count)
    {
        length -= count;
        if (text.Length > InitialTextChars && length <= InitialTextChars)
        {
            var kept = new char[InitialTextChars];
            Array.Copy(text, count, kept, 0, length);
            text = kept;
        }
        else
        {
            Array.Copy(text, count, text, 0, length);
        }

        pagerAnsweredAt = -1;
    }

    private string Tail()
    {
        // Widened by the longest secret so a secret straddling the cut is still redacted whole.
        var start = Math.Max(0, length - 80 - secrets.Select(s => s.Length).DefaultIfEmpty(0).Max());
        var tail = new string(text, start, length - start);
        foreach (var secret in secrets)
        {
            tail = tail.Replace(secret, "***", StringComparison.Ordinal);
        }

        return tail[Math.Max(0, tail.Length - 80)..].Replace("\r", "", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
