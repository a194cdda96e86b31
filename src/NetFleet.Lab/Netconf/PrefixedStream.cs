namespace NetFleet.Lab.Netconf;

/// <summary>A stream that first returns bytes already read from the connection (those that arrived with the
/// session's header line), then the connection's own.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
{
    private int offset;


    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset < prefix.Length)
        {
            var count = Math.Min(buffer.Length, prefix.Length - offset);
            prefix.AsMemory(offset, count).CopyTo(buffer);
            offset += count;
            return count;
        }
        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (this.offset < prefix.Length)
        {
            var taken = Math.Min(count, prefix.Length - this.offset);
            Array.Copy(prefix, this.offset, buffer, offset, taken);
            this.offset += taken;
            return taken;
        }
        return inner.Read(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
