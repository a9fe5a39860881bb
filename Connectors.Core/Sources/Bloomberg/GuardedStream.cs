namespace Connectors.Sources.Bloomberg;

/// <summary>
/// A read-only pass-through that counts the bytes the XML reader pulls and refuses to go past a
/// <see cref="Ceiling"/>: the XML reader buffers a whole node (a start tag, a CDATA section, a text value
/// once asked for) in memory, so the ceiling is what keeps one hostile node from exhausting memory.
/// </summary>
internal sealed class GuardedStream(Stream inner) : Stream
{
    /// <summary>Bytes read from the underlying stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The byte offset the reader may not read past; null for no limit.</summary>
    public long? Ceiling { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (Ceiling is { } ceiling && BytesRead >= ceiling)
        {
            throw new XmlNodeTooLargeException(BytesRead);
        }
        var read = inner.Read(buffer);
        BytesRead += read;
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A single XML node is larger than the parser will hold in memory; the file cannot be read on.</summary>
internal sealed class XmlNodeTooLargeException(long bytesRead)
    : Exception($"An XML node near byte {bytesRead} is too large to read safely.")
{
    /// <summary>How far into the file the reader had got.</summary>
    public long BytesRead { get; } = bytesRead;
}
