using System.Text;
using System.Text.Json;

namespace Connectors.Sources.Slack;

/// <summary>
/// A top-level JSON value read from a Slack export file: one element of a JSON array (a message, a user, a
/// channel) or the single object the file holds, with its bytes exactly as in the file.
/// </summary>
internal readonly record struct JsonValueRead(JsonValueReadKind Kind, byte[]? Bytes = null, int Line = 0, string? Error = null);

internal enum JsonValueReadKind
{
    /// <summary>One value; <see cref="JsonValueRead.Bytes"/> holds it.</summary>
    Value,
    /// <summary>The file is done and was well formed.</summary>
    End,
    /// <summary>The rest of the file cannot be read; <see cref="JsonValueRead.Error"/> says why.</summary>
    Error,
}

/// <summary>
/// Streams the values of a JSON array (or a lone JSON object) from a stream without holding the file in
/// memory: only the value being read is buffered, up to a ceiling. The array may be gigabytes long; one
/// value may not be larger than the ceiling. Every value is validated by <see cref="Utf8JsonReader"/> and
/// handed back as the file's own bytes, so evidence keeps the source's escapes (<c>\/</c>, <c>\uXXXX</c>).
/// </summary>
internal sealed class JsonValueStream
{
    private const int InitialBuffer = 64 * 1024;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = SlackLimits.MaxJsonDepth };

    private readonly Stream _stream;
    private readonly int _maxValueBytes;
    private byte[] _buffer;
    private int _length;
    private int _position;
    private bool _eof;
    private bool _bomChecked;
    private JsonReaderState _state = new(ReaderOptions);
    private Mode _mode = Mode.Start;
    private int _line = 1;

    public JsonValueStream(Stream stream, long maxValueBytes)
    {
        _stream = stream;
        _maxValueBytes = (int)Math.Clamp(maxValueBytes, 1024, Array.MaxLength - 1);
        _buffer = new byte[Math.Min(InitialBuffer, _maxValueBytes)];
    }

    private enum Mode
    {
        Start,
        InArray,
        Trailing,
        Done,
    }

    /// <summary>
    /// The next value, the end, or the error that stops the file. Errors of the stream underneath (a corrupt
    /// ZIP entry, an entry past its size limit) are errors too; only cancellation escapes.
    /// </summary>
    public JsonValueRead Next()
    {
        if (_mode == Mode.Done)
        {
            return new JsonValueRead(JsonValueReadKind.End);
        }
        try
        {
            return Step();
        }
        catch (JsonException e)
        {
            _mode = Mode.Done;
            var line = e.LineNumber is { } zeroBased ? (int)Math.Min(zeroBased + 1, int.MaxValue) : _line;
            return new JsonValueRead(JsonValueReadKind.Error, Line: line, Error: $"not valid JSON near line {line}: {FirstSentence(e.Message)}");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            _mode = Mode.Done;
            return new JsonValueRead(JsonValueReadKind.Error, Line: _line, Error: e.Message);
        }
    }

    private JsonValueRead Step()
    {
        SkipByteOrderMark();
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_position, _length - _position), _eof, _state);
            var read = _mode switch
            {
                Mode.Start => ReadStart(ref reader),
                Mode.InArray => ReadElement(ref reader),
                _ => ReadTrailing(ref reader),
            };
            if (read is { } done)
            {
                return done;
            }
            if (_eof)
            {
                _mode = Mode.Done;
                return new JsonValueRead(JsonValueReadKind.Error, Line: _line, Error: $"the JSON ends unexpectedly near line {_line}");
            }
            if (!Fill())
            {
                _mode = Mode.Done;
                return new JsonValueRead(JsonValueReadKind.Error, Line: _line,
                    Error: $"a value starting near line {_line} is larger than {_maxValueBytes} bytes and was not read");
            }
        }
    }

    /// <summary>null: more bytes are needed (or the mode moved on and the loop goes round).</summary>
    private JsonValueRead? ReadStart(ref Utf8JsonReader reader)
    {
        if (_eof && _position == _length)
        {
            _mode = Mode.Done;
            return new JsonValueRead(JsonValueReadKind.Error, Line: _line, Error: "the file is empty");
        }
        if (!reader.Read())
        {
            return null;
        }
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                Commit(ref reader);
                _mode = Mode.InArray;
                return ReadElement(ref reader);
            case JsonTokenType.StartObject:
                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    return null;
                }
                var single = Take(ref reader, start);
                _mode = Mode.Trailing;
                return single;
            default:
                _mode = Mode.Done;
                return new JsonValueRead(JsonValueReadKind.Error, Line: _line, Error: $"the file holds a JSON {reader.TokenType}, not an array or an object");
        }
    }

    private JsonValueRead? ReadElement(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return null;
        }
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            Commit(ref reader);
            _mode = Mode.Trailing;
            return ReadTrailing(ref reader);
        }
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
        {
            return null;
        }
        return Take(ref reader, start);
    }

    private JsonValueRead? ReadTrailing(ref Utf8JsonReader reader)
    {
        // Utf8JsonReader throws on anything but whitespace after the top-level value.
        if (reader.Read())
        {
            _mode = Mode.Done;
            return new JsonValueRead(JsonValueReadKind.Error, Line: _line, Error: "there is content after the JSON value");
        }
        if (!_eof)
        {
            Commit(ref reader);
            return null;
        }
        _mode = Mode.Done;
        return new JsonValueRead(JsonValueReadKind.End);
    }

    private JsonValueRead Take(ref Utf8JsonReader reader, int start)
    {
        var end = (int)reader.BytesConsumed;
        var line = _line + CountLines(_buffer.AsSpan(_position, start));
        var bytes = _buffer.AsSpan(_position + start, end - start).ToArray();
        Commit(ref reader);
        return new JsonValueRead(JsonValueReadKind.Value, bytes, line);
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        var consumed = (int)reader.BytesConsumed;
        _line += CountLines(_buffer.AsSpan(_position, consumed));
        _position += consumed;
        _state = reader.CurrentState;
        // A new reader starts at the next unread byte.
        reader = new Utf8JsonReader(_buffer.AsSpan(_position, _length - _position), _eof, _state);
    }

    private void SkipByteOrderMark()
    {
        if (_bomChecked)
        {
            return;
        }
        while (_length < 3 && !_eof)
        {
            Fill();
        }
        if (_buffer.AsSpan(0, _length).StartsWith(Encoding.UTF8.Preamble))
        {
            _position = 3;
        }
        _bomChecked = true;
    }

    /// <summary>Reads more of the stream, keeping the unread bytes; false when one value outgrows the ceiling.</summary>
    private bool Fill()
    {
        if (_position > 0)
        {
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, _length - _position);
            _length -= _position;
            _position = 0;
        }
        if (_length == _buffer.Length)
        {
            if (_buffer.Length >= _maxValueBytes)
            {
                return false;
            }
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxValueBytes));
        }
        // Fill the buffer (not just one short read): a value that does not fit is re-scanned once per doubling,
        // never once per small chunk the decompressor hands out.
        var wanted = _buffer.Length - _length;
        var read = _stream.ReadAtLeast(_buffer.AsSpan(_length, wanted), wanted, throwOnEndOfStream: false);
        if (read < wanted)
        {
            _eof = true;
        }
        _length += read;
        return true;
    }

    private static int CountLines(ReadOnlySpan<byte> bytes) => bytes.Count((byte)'\n');

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
