using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Connectors.Push;

/// <summary>A push that cannot go on: a refused chunk, retries used up, or a file that cannot be read.</summary>
public sealed class PushFailedException(string message) : Exception(message);

/// <summary>What a push did. <see cref="ExitCode"/> is 2 when any record was rejected, otherwise 0.</summary>
public sealed record PushResult(int Chunks, int ChunksSkipped, long RecordsSent, long RecordsRejected)
{
    /// <summary>The process exit code for a push that finished.</summary>
    public int ExitCode => RecordsRejected > 0 ? 2 : 0;
}

/// <summary>
/// Sends a CSV or JSON file to the signals API in chunks, retrying 429, 5xx and connection errors, and
/// keeps a checkpoint so an interrupted push resumes after the last acknowledged chunk.
/// </summary>
/// <param name="http">The client that sends the calls.</param>
/// <param name="output">Where progress lines go.</param>
/// <param name="clock">Used to turn a Retry-After date into a wait.</param>
/// <param name="delay">Waits between retries; tests pass one that only records the wait.</param>
/// <param name="jitter">A number in [0, 1) that spreads backoff waits; random by default.</param>
public sealed class Pusher(
    HttpClient http, TextWriter output, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> delay,
    Func<double>? jitter = null)
{
    /// <summary>The longest backoff wait when the server gives no Retry-After.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly Func<double> _jitter = jitter ?? Random.Shared.NextDouble;

    /// <summary>Pushes the file. Throws <see cref="PushFailedException"/> when it cannot finish; the checkpoint is then kept.</summary>
    public async Task<PushResult> PushAsync(PushOptions options, CancellationToken ct)
    {
        if (!File.Exists(options.FilePath))
        {
            throw new PushFailedException($"File '{options.FilePath}' does not exist.");
        }
        var sha256 = await HashAsync(options.FilePath, ct);
        var checkpoint = Resume(options, sha256);
        var skip = checkpoint?.ChunksAcknowledged ?? 0;
        var recordsSent = checkpoint?.RecordsAcknowledged ?? 0;
        var rejected = checkpoint?.RecordsRejected ?? 0;

        var (total, all) = ReadChunks(options, ct);
        var chunks = 0;
        var skipped = 0;
        foreach (var chunk in all)
        {
            ct.ThrowIfCancellationRequested();
            chunks++;
            if (chunk.Index < skip)
            {
                skipped++;
                continue;
            }
            var outcome = await SendWithRetriesAsync(options, chunk, total, ct);
            recordsSent += chunk.Records;
            rejected += outcome.Rejected.Count;
            var rejectedNote = outcome.Rejected.Count > 0 ? $", {outcome.Rejected.Count} rejected" : "";
            output.WriteLine(
                $"chunk {chunk.Index + 1}/{total}: {chunk.Records} records, {(int)outcome.Status} {outcome.Status}, {outcome.Location ?? "-"}{rejectedNote}");
            foreach (var line in outcome.Rejected)
            {
                output.WriteLine($"  rejected {line}");
            }
            new Checkpoint(Path.GetFullPath(options.FilePath), sha256, options.ChunkSize, options.Kind, options.ConnectorId,
                chunk.Index + 1, recordsSent, rejected, clock.GetUtcNow()).Save(options.CheckpointPath);
        }

        File.Delete(options.CheckpointPath);
        var result = new PushResult(chunks, skipped, recordsSent, rejected);
        output.WriteLine(
            $"done: {result.Chunks} chunks ({result.ChunksSkipped} skipped from the checkpoint), {result.RecordsSent} records sent, {result.RecordsRejected} rejected.");
        return result;
    }

    private Checkpoint? Resume(PushOptions options, string sha256)
    {
        var checkpoint = Checkpoint.Load(options.CheckpointPath, out var problem);
        if (problem is not null)
        {
            output.WriteLine($"checkpoint {options.CheckpointPath} cannot be read ({problem}): starting from the beginning.");
            return null;
        }
        if (checkpoint is null)
        {
            return null;
        }
        string? reason = null;
        if (!string.Equals(checkpoint.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
        {
            reason = "the file has changed since (different SHA-256)";
        }
        else if (checkpoint.ChunkSize != options.ChunkSize)
        {
            reason = $"it was made with --chunk {checkpoint.ChunkSize}";
        }
        else if (checkpoint.ConnectorId != options.ConnectorId || checkpoint.Kind != options.Kind)
        {
            reason = "it was made for another connector or kind";
        }
        if (reason is not null)
        {
            output.WriteLine($"checkpoint {options.CheckpointPath} does not apply ({reason}): starting from the beginning.");
            return null;
        }
        output.WriteLine($"resuming: {checkpoint.ChunksAcknowledged} chunks already acknowledged ({checkpoint.RecordsAcknowledged} records).");
        return checkpoint;
    }

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private static (int Total, IEnumerable<Chunk> Chunks) ReadChunks(PushOptions options, CancellationToken ct)
    {
        if (options.Kind == SignalKind.Badging)
        {
            var chunks = JsonChunker.Split(File.ReadAllBytes(options.FilePath), options.ChunkSize);
            return (chunks.Count, chunks);
        }
        // A first pass checks the whole CSV (an unclosed quote is found before anything is sent) and gives the total.
        var records = -1;
        using (var reader = OpenCsv(options.FilePath))
        {
            foreach (var _ in CsvChunker.Records(reader))
            {
                if (++records % 100_000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
        if (records < 0)
        {
            throw new FormatException("The file is empty: expected a header row.");
        }
        return ((records + options.ChunkSize - 1) / options.ChunkSize, ReadCsvChunks(options));
    }

    private static IEnumerable<Chunk> ReadCsvChunks(PushOptions options)
    {
        using var reader = OpenCsv(options.FilePath);
        foreach (var chunk in CsvChunker.Split(reader, options.ChunkSize))
        {
            yield return chunk;
        }
    }

    private static StreamReader OpenCsv(string path) =>
        new(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);

    private sealed record Outcome(HttpStatusCode Status, string? Location, IReadOnlyList<string> Rejected);

    private async Task<Outcome> SendWithRetriesAsync(PushOptions options, Chunk chunk, int total, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = BuildRequest(options, chunk);
                using var response = await http.SendAsync(request, ct);
                var code = (int)response.StatusCode;
                if (code is >= 200 and < 300)
                {
                    var rejected = response.StatusCode == HttpStatusCode.MultiStatus
                        ? Rejections(await response.Content.ReadAsStringAsync(ct), chunk.Index * options.ChunkSize)
                        : [];
                    return new Outcome(response.StatusCode, response.Headers.Location?.OriginalString, rejected);
                }
                var body = await response.Content.ReadAsStringAsync(ct);
                if (code != 429 && code < 500)
                {
                    var hint = code == 413 ? " Try a smaller --chunk." : "";
                    throw new PushFailedException(
                        $"chunk {chunk.Index + 1}/{total} refused: {code} {response.ReasonPhrase}. {Problem(body)}{hint}".TrimEnd());
                }
                failure = $"{code} {response.ReasonPhrase}";
                retryAfter = RetryAfter(response.Headers.RetryAfter);
            }
            catch (HttpRequestException e)
            {
                failure = $"connection error: {e.Message}";
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = "the call timed out";
            }

            if (attempt >= options.MaxRetries)
            {
                throw new PushFailedException(
                    $"chunk {chunk.Index + 1}/{total} failed after {attempt + 1} attempts: {failure}. Run again to resume from this chunk.");
            }
            var wait = retryAfter ?? Backoff(attempt);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chunk {chunk.Index + 1}/{total}: {failure}; retrying in {wait.TotalSeconds:0.#} s (retry {attempt + 1} of {options.MaxRetries})."));
            await delay(wait, ct);
        }
    }

    private static HttpRequestMessage BuildRequest(PushOptions options, Chunk chunk)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint);
        request.Headers.Add("X-Api-Key", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.Kind == SignalKind.Badging)
        {
            var json = new ByteArrayContent(chunk.Body);
            json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Content = json;
        }
        else
        {
            var csv = new ByteArrayContent(chunk.Body);
            csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            var name = Path.GetFileNameWithoutExtension(options.FilePath);
            request.Content = new MultipartFormDataContent { { csv, "file", $"{name}.part{chunk.Index + 1:D4}.csv" } };
        }
        return request;
    }

    /// <summary>The wait a Retry-After header asks for (seconds or an HTTP date), or null when there is none.</summary>
    internal TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - clock.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>Exponential backoff: up to 1, 2, 4… seconds (at most 60), never less than half of that.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromSeconds(ceiling / 2 + ceiling / 2 * _jitter());
    }

    /// <summary>The title, detail and field errors of a ProblemDetails body, or the start of any other body.</summary>
    internal static string Problem(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var parts = new List<string>();
                foreach (var name in (string[])["title", "detail"])
                {
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        parts.Add(value.GetString()!);
                    }
                }
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? string.Join(" ", field.Value.EnumerateArray().Select(m => m.ToString()))
                            : field.Value.ToString();
                        parts.Add($"{field.Name}: {messages}");
                    }
                }
                if (parts.Count > 0)
                {
                    return string.Join(" — ", parts);
                }
            }
        }
        catch (JsonException)
        {
        }
        var text = body.Trim();
        return text.Length > 500 ? text[..500] + "…" : text;
    }

    /// <summary>
    /// The rejected records of a 207 answer, one line each. The per-record results are read from an array at
    /// the root or under <c>results</c>, <c>records</c>, <c>items</c>, <c>rejected</c> or <c>errors</c>; a record
    /// counts as rejected when its <c>status</c> is not a success (a 2xx number or accepted/ok/success/created),
    /// <c>accepted</c> or <c>success</c> is false, or it carries an <c>error</c>. Record numbers are 1-based in the file.
    /// </summary>
    internal static IReadOnlyList<string> Rejections(string body, int firstRecord)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return [$"(the 207 answer could not be read: {Problem(body)})"];
        }
        using (document)
        {
            var root = document.RootElement;
            JsonElement? list = root.ValueKind == JsonValueKind.Array ? root : null;
            var allRejected = false;
            if (list is null && root.ValueKind == JsonValueKind.Object)
            {
                // The Connectors API answers {records, accepted, rejected, rejections: [{index, field, error}]}.
                foreach (var name in (string[])["rejections", "results", "records", "items", "rejected", "errors"])
                {
                    var property = root.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                    if (property.Value.ValueKind == JsonValueKind.Array)
                    {
                        list = property.Value;
                        allRejected = name is "rejections" or "rejected" or "errors";
                        break;
                    }
                }
            }
            if (list is null)
            {
                return [$"(the 207 answer has no per-record results: {Problem(body)})"];
            }
            var lines = new List<string>();
            var position = 0;
            foreach (var item in list.Value.EnumerateArray())
            {
                if (allRejected || IsRejected(item))
                {
                    var index = Number(item, "index", "recordIndex", "position") ?? position;
                    lines.Add($"record {firstRecord + index + 1}: {Reason(item)}");
                }
                position++;
            }
            return lines;
        }
    }

    private static bool IsRejected(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        foreach (var property in item.EnumerateObject())
        {
            var name = property.Name.ToLowerInvariant();
            var value = property.Value;
            if ((name is "accepted" or "success" or "ok") && value.ValueKind == JsonValueKind.False)
            {
                return true;
            }
            if (name is "status" or "statuscode")
            {
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var code) && code is < 200 or >= 300)
                {
                    return true;
                }
                if (value.ValueKind == JsonValueKind.String
                    && value.GetString()!.ToLowerInvariant() is not ("accepted" or "ok" or "success" or "created" or "duplicate" or "200" or "201" or "202"))
                {
                    return true;
                }
            }
            if ((name is "error" or "errors") && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False)
                && !(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
            {
                return true;
            }
        }
        return false;
    }

    private static string Reason(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (string[])["error", "errors", "reason", "detail", "message", "title"])
            {
                if (item.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                {
                    return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                }
            }
        }
        return item.GetRawText();
    }

    private static int? Number(JsonElement item, params string[] names)
    {
        if (item.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in names)
            {
                if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
                {
                    return n;
                }
            }
        }
        return null;
    }
}
