using System.IO.Compression;

namespace Connectors.Sources.Slack;

/// <summary>
/// What an untrusted ZIP may not do: name an entry outside the archive's root, decompress one entry past a
/// size ceiling, or claim an absurd compression ratio (a ZIP bomb). Sizes in the entry headers are only
/// claims, so reading goes through a <see cref="LimitedReadStream"/> that counts the bytes really produced.
/// </summary>
internal static class ZipEntryGuard
{
    /// <summary>Whether the entry's path is absolute or climbs out of the archive (<c>..</c> with either separator).</summary>
    public static bool Escapes(string fullName)
    {
        if (fullName.Length == 0)
        {
            return false;
        }
        if (fullName[0] is '/' or '\\' || fullName.Contains('\0'))
        {
            return true;
        }
        if (fullName.Length >= 2 && fullName[1] == ':' && char.IsAsciiLetter(fullName[0]))
        {
            return true;
        }
        foreach (var segment in fullName.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Why the entry's own header rules it out, or null when it may be read (within <see cref="Allowance"/>).</summary>
    public static string? Refusal(ZipArchiveEntry entry, long maxEntryBytes)
    {
        if (entry.Length > maxEntryBytes)
        {
            return $"ZIP entry {entry.FullName} is {entry.Length} bytes uncompressed, more than the {maxEntryBytes}-byte limit; it was not read.";
        }
        if (entry.Length > SlackLimits.RatioCheckFromBytes && entry.Length > Math.Max(entry.CompressedLength, 1) * SlackLimits.MaxCompressionRatio)
        {
            return $"ZIP entry {entry.FullName} expands {entry.CompressedLength} compressed bytes to {entry.Length} " +
                $"(more than {SlackLimits.MaxCompressionRatio}:1); it looks like a ZIP bomb and was not read.";
        }
        return null;
    }

    /// <summary>The most bytes the entry may really produce: the size ceiling and the ratio ceiling, whatever the header says.</summary>
    public static long Allowance(ZipArchiveEntry entry, long maxEntryBytes)
    {
        var byRatio = Math.Max(SlackLimits.RatioCheckFromBytes, SaturatingMultiply(entry.CompressedLength, SlackLimits.MaxCompressionRatio));
        return Math.Min(maxEntryBytes, byRatio);
    }

    private static long SaturatingMultiply(long value, long factor) =>
        value > long.MaxValue / factor ? long.MaxValue : value * factor;
}

/// <summary>A read-only pass-through that fails once more than <c>limit</c> bytes have come out of it.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit, string entryName) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        BytesRead += read;
        if (BytesRead > limit)
        {
            throw new ZipEntryTooLargeException(
                $"ZIP entry {entryName} decompressed to more than {limit} bytes (past its size or compression-ratio limit); the rest was not read.");
        }
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An entry produced more bytes than it may; an <see cref="IOException"/> so readers treat it as a broken stream.</summary>
internal sealed class ZipEntryTooLargeException(string message) : IOException(message);
