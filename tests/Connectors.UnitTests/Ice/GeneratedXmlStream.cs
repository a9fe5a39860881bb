using System.Text;

namespace Connectors.Tests;

/// <summary>
/// A read-only stream that produces its text as it is read, so a test can feed a parser a file far larger
/// than anything it holds in memory.
/// </summary>
internal sealed class GeneratedXmlStream(IEnumerable<string> parts) : Stream
{
    private readonly IEnumerator<string> _parts = parts.GetEnumerator();
    private byte[] _buffer = [];
    private int _offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_offset == _buffer.Length)
        {
            if (!_parts.MoveNext())
            {
                return 0;
            }
            _buffer = Encoding.UTF8.GetBytes(_parts.Current);
            _offset = 0;
        }
        var read = Math.Min(count, _buffer.Length - _offset);
        Array.Copy(_buffer, _offset, buffer, offset, read);
        _offset += read;
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _parts.Dispose();
        }
        base.Dispose(disposing);
    }
}
