using System.Text.Json;
using Connectors.Sources.Files;

namespace Connectors.Sources.Social.X;

/// <summary>
/// Reads X data saved as JSON lines, as twarc writes it: each line an API response page (<c>{data:[…], includes,
/// meta, __twarc}</c>), a filtered-stream record (<c>data</c> is one tweet), a bare tweet, or a batch-compliance
/// record. A file whose name mentions users (e.g. <c>users_compliance.jsonl</c>) holds account compliance records.
/// Never throws for bad content: an empty file, a line that is not JSON (a truncated last write) or a line with
/// nothing to archive is a failed item with its line number; the other lines stand.
/// </summary>
public sealed class XJsonlReader : IVendorFileParser
{
    /// <summary>A longer line is refused without being held in memory (an API page is well under 1 MB).</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public bool Accepts(string fileName) =>
        fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        var userRecords = Path.GetFileName(context.FileName).Contains("user", StringComparison.OrdinalIgnoreCase);
        var anyContent = false;
        foreach (var line in JsonLines.Read(content, MaxLineBytes, cancellationToken))
        {
            var where = new XRecordContext(context.SourceAccount, context.EvidenceFileId, context.FileName, line.Number);
            if (line.TooLong)
            {
                anyContent = true;
                yield return new ParseFailure($"{where.Where} is longer than {MaxLineBytes / 1024 / 1024} MB; it was not read.", null, line.Number);
                continue;
            }
            if (line.IsBlank)
            {
                continue;
            }
            anyContent = true;
            JsonDocument document;
            string? error = null;
            try
            {
                document = JsonDocument.Parse(line.Bytes, DocumentOptions);
            }
            catch (JsonException ex)
            {
                document = null!;
                error = ex.Message;
            }
            if (error is not null)
            {
                yield return new ParseFailure(
                    $"{where.Where} is not valid JSON (a truncated or corrupt write?): {error}", null, line.Number);
                continue;
            }
            using (document)
            {
                foreach (var entry in ReadRecord(document.RootElement, userRecords, where))
                {
                    yield return entry;
                }
            }
        }
        if (!anyContent)
        {
            yield return new ParseFailure($"{context.FileName} is empty: it holds no X records.");
        }
    }

    private static IEnumerable<ParsedEntry> ReadRecord(JsonElement root, bool userRecords, XRecordContext where)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [new ParseFailure($"{where.Where} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an X record.", null, where.Line)];
        }
        if (root.TryGetProperty("data", out _))
        {
            return XRecords.ReadPage(root, where);
        }
        if (XRecords.IsComplianceRecord(root))
        {
            return [XRecords.Compliance(root, userRecords, where)];
        }
        if (XRecords.IsTweet(root))
        {
            return XRecords.ReadPage(root, where);
        }
        if (root.TryGetProperty("meta", out var meta) && XRecords.Text(meta, "result_count") == "0")
        {
            // An empty page: the request matched nothing.
            return [];
        }
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            var first = errors.EnumerateArray().FirstOrDefault();
            var detail = XRecords.Text(first, "detail") ?? XRecords.Text(first, "title") ?? XRecords.Text(first, "message") ?? "no detail";
            return [new ParseFailure($"{where.Where} is an error the API returned instead of posts: {detail}", null, where.Line)];
        }
        return [new ParseFailure($"{where.Where} is not an X record (no data, tweet or compliance action).", null, where.Line)];
    }
}

/// <summary>One line of a JSON-lines file as bytes, numbered from 1.</summary>
public sealed record JsonLine(int Number, byte[] Bytes, bool TooLong)
{
    public bool IsBlank => !TooLong && Bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');
}

/// <summary>Splits a stream into lines without reading it whole; a line over the limit is skipped, not buffered.</summary>
public static class JsonLines
{
    public static IEnumerable<JsonLine> Read(Stream content, int maxLineBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var line = new MemoryStream();
        var number = 1;
        var tooLong = false;
        var first = true;
        int read;
        while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = 0;
            if (first)
            {
                first = false;
                // A UTF-8 byte order mark is not part of the first record.
                if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    start = 3;
                }
            }
            for (var i = start; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }
                Append(line, buffer, start, i - start, maxLineBytes, ref tooLong);
                yield return new JsonLine(number++, tooLong ? [] : line.ToArray(), tooLong);
                line.SetLength(0);
                tooLong = false;
                start = i + 1;
            }
            Append(line, buffer, start, read - start, maxLineBytes, ref tooLong);
        }
        if (line.Length > 0 || tooLong)
        {
            yield return new JsonLine(number, tooLong ? [] : line.ToArray(), tooLong);
        }
    }

    private static void Append(MemoryStream line, byte[] buffer, int offset, int count, int maxLineBytes, ref bool tooLong)
    {
        if (tooLong || count == 0)
        {
            return;
        }
        if (line.Length + count > maxLineBytes)
        {
            tooLong = true;
            line.SetLength(0);
            return;
        }
        line.Write(buffer, offset, count);
    }
}
