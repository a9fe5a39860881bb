using System.Text;
using System.Text.Json;

namespace Connectors.Push;

/// <summary>One call's worth of records: its zero-based index, how many records it holds and the body to send.</summary>
public sealed record Chunk(int Index, int Records, byte[] Body);

/// <summary>
/// Splits CSV into RFC 4180 records (a quoted field may hold commas, doubled quotes and line breaks) and
/// groups them into chunks that each start with the header line. Chunks are UTF-8 without a BOM.
/// </summary>
public static class CsvChunker
{
    /// <summary>Groups the data records into chunks of at most <paramref name="chunkSize"/>, each repeating the header.</summary>
    public static IEnumerable<Chunk> Split(TextReader reader, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        using var records = Records(reader).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new FormatException("The file is empty: expected a header row.");
        }
        var header = records.Current.TrimStart('\uFEFF');
        var body = new StringBuilder();
        var index = 0;
        var count = 0;
        while (records.MoveNext())
        {
            if (count == 0)
            {
                body.Clear().Append(header).Append("\r\n");
            }
            body.Append(records.Current).Append("\r\n");
            if (++count == chunkSize)
            {
                yield return new Chunk(index++, count, Encoding.UTF8.GetBytes(body.ToString()));
                count = 0;
            }
        }
        if (count > 0)
        {
            yield return new Chunk(index, count, Encoding.UTF8.GetBytes(body.ToString()));
        }
    }

    /// <summary>
    /// The records of the text, each without its line break (CRLF, LF or CR); line breaks inside quotes
    /// are kept. Blank lines are skipped. An unclosed quote is a <see cref="FormatException"/>.
    /// </summary>
    public static IEnumerable<string> Records(TextReader reader)
    {
        var record = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var recordLine = 1;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (ch == '"')
            {
                inQuotes = !inQuotes;
                record.Append(ch);
            }
            else if ((ch == '\r' || ch == '\n') && !inQuotes)
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }
                line++;
                if (!IsBlank(record))
                {
                    yield return record.ToString();
                }
                record.Clear();
                recordLine = line;
            }
            else
            {
                if (ch == '\n' || (ch == '\r' && reader.Peek() != '\n'))
                {
                    line++;
                }
                record.Append(ch);
            }
        }
        if (inQuotes)
        {
            throw new FormatException($"A quoted field that starts on line {recordLine} is never closed.");
        }
        if (!IsBlank(record))
        {
            yield return record.ToString();
        }
    }

    private static bool IsBlank(StringBuilder record)
    {
        for (var i = 0; i < record.Length; i++)
        {
            if (!char.IsWhiteSpace(record[i]) && record[i] != '\uFEFF')
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Splits a JSON array into chunks that are JSON arrays of the original elements, byte for byte.</summary>
public static class JsonChunker
{
    /// <summary>Parses the array (a UTF-8 BOM is fine) and groups its elements into chunks of at most <paramref name="chunkSize"/>.</summary>
    public static IReadOnlyList<Chunk> Split(ReadOnlyMemory<byte> content, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (content.Span.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The file is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"The file must hold a JSON array of records, not a {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            }
            var chunks = new List<Chunk>();
            var body = new StringBuilder();
            var count = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                body.Append(count == 0 ? "[" : ",").Append(element.GetRawText());
                if (++count == chunkSize)
                {
                    chunks.Add(new Chunk(chunks.Count, count, Encoding.UTF8.GetBytes(body.Append(']').ToString())));
                    body.Clear();
                    count = 0;
                }
            }
            if (count > 0)
            {
                chunks.Add(new Chunk(chunks.Count, count, Encoding.UTF8.GetBytes(body.Append(']').ToString())));
            }
            return chunks;
        }
    }
}
