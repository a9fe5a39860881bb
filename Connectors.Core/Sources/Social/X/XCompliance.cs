using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Http;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Sources.Social.X;

/// <summary>What the X cursor keeps of batch compliance: the last check, and a job a run left unfinished.</summary>
public sealed record XComplianceState(DateTimeOffset? LastCheckAt = null, string? JobId = null, string? DownloadUrl = null, DateTimeOffset? JobCreatedAt = null);

/// <summary>
/// X API v2 batch compliance for the posts this connector archived: once every <see cref="XSettings.ComplianceEveryDays"/>
/// days it creates a job (<c>POST /2/compliance/jobs</c>, type <c>tweets</c>), PUTs the ids (one a line) to the job's
/// pre-signed <c>upload_url</c>, polls <c>GET /2/compliance/jobs/:id</c> until <c>complete</c> for a bounded wait, and
/// imports the JSON lines from the pre-signed <c>download_url</c> as Deletion (or Edit) versions through the existing
/// compliance-record mapping. A job still running when the wait ends is kept in the cursor and resumed next run.
/// The pre-signed URLs get no Authorization header. A failure is a failed item; the next run tries again.
/// </summary>
public sealed class XCompliance(HttpClient client, SocialApi api, TimeProvider clock)
{
    public const string CursorKey = "compliance";
    public const long MaxDownloadBytes = 256L * 1024 * 1024;
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);
    private const int BatchSize = 500;
    private const string Where = "X batch compliance";

    public async Task<SocialCursor> RunAsync(ImportContext context, XSettings settings, string accountId, SocialCursor cursor,
        CancellationToken cancellationToken)
    {
        var state = cursor.Get<XComplianceState>(CursorKey) ?? new XComplianceState();
        var now = clock.GetUtcNow();
        if (state.JobId is null)
        {
            if (state.LastCheckAt is { } last && now - last < TimeSpan.FromDays(settings.ComplianceEveryDays))
            {
                return cursor;
            }
            var ids = await ArchivedIdsAsync(context, now - TimeSpan.FromDays(settings.ComplianceWindowDays), cancellationToken);
            if (ids.Count == 0)
            {
                cursor = cursor.WithValue(CursorKey, state with { LastCheckAt = now });
                await context.ImportBatchAsync([], cursor.ToJson(), cancellationToken);
                return cursor;
            }
            var job = await CreateJobAsync(context, ids, cancellationToken);
            if (job is null)
            {
                // Nothing remembered: the next run creates a new job.
                return cursor;
            }
            state = new XComplianceState(now, job.Value.Id, job.Value.DownloadUrl, now);
            cursor = cursor.WithValue(CursorKey, state);
            await context.ImportBatchAsync([], cursor.ToJson(), cancellationToken);
        }
        return await PollAndImportAsync(context, settings, accountId, cursor, state, cancellationToken);
    }

    /// <summary>The distinct post ids (the first id of each edit history) archived since <paramref name="since"/>, not yet known deleted.</summary>
    private static async Task<List<(string Id, string Account)>> ArchivedIdsAsync(ImportContext context, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var connectorId = context.Connector.Id;
        var type = context.Connector.Type;
        var rows = await context.Db.Items.AsNoTracking()
            .Where(i => i.ConnectorId == connectorId && i.SourceType == type && i.IngestedAt >= since)
            .Select(i => new { i.SourceId, i.SourceAccount })
            .Distinct()
            .ToListAsync(cancellationToken);
        var deleted = await context.Db.Items.AsNoTracking()
            .Where(i => i.ConnectorId == connectorId && i.SourceType == type && i.VersionKind == VersionKind.Deletion)
            .Select(i => i.SourceId)
            .Distinct()
            .ToListAsync(cancellationToken);
        var skip = deleted.ToHashSet(StringComparer.Ordinal);
        return rows
            .Where(r => XSnowflake.TryParse(r.SourceId, out _) && !skip.Contains(r.SourceId))
            .GroupBy(r => r.SourceId, StringComparer.Ordinal)
            .Select(g => (g.Key, g.First().SourceAccount))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<(string Id, string DownloadUrl)?> CreateJobAsync(ImportContext context, List<(string Id, string Account)> ids,
        CancellationToken cancellationToken)
    {
        string id, uploadUrl, downloadUrl;
        try
        {
            using (var created = await api.PostJsonAsync(api.Relative("compliance/jobs"), """{"type":"tweets"}""", cancellationToken))
            {
                var data = created.RootElement.TryGetProperty("data", out var d) ? d : default;
                id = XRecords.Text(data, "id") ?? throw new HttpRequestException("X created a compliance job without an id.");
                uploadUrl = XRecords.Text(data, "upload_url") ?? throw new HttpRequestException($"X compliance job {id} has no upload_url.");
                downloadUrl = XRecords.Text(data, "download_url") ?? throw new HttpRequestException($"X compliance job {id} has no download_url.");
            }
            var body = string.Join('\n', ids.Select(i => i.Id)) + "\n";
            using var request = new HttpRequestMessage(HttpMethod.Put, PresignedUri(uploadUrl, "upload_url"))
            {
                Content = new StringContent(body, Encoding.UTF8, "text/plain"),
            };
            // The exact type the pre-signed URL was signed for (no charset parameter).
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"the upload of {ids.Count} post id(s) for compliance job {id} was answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            context.FailedToParse($"{Where}: no job this run ({ex.Message}); the next run tries again.", null, Where);
            return null;
        }
        return (id, downloadUrl);
    }

    private async Task<SocialCursor> PollAndImportAsync(ImportContext context, XSettings settings, string accountId, SocialCursor cursor,
        XComplianceState state, CancellationToken cancellationToken)
    {
        var jobId = state.JobId!;
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(settings.ComplianceWaitSeconds);
        string? status;
        string? reason = null;
        string? downloadUrl = state.DownloadUrl;
        while (true)
        {
            try
            {
                using var job = await api.GetAsync(api.Relative($"compliance/jobs/{Uri.EscapeDataString(jobId)}"), cancellationToken);
                var data = job.RootElement.TryGetProperty("data", out var d) ? d : default;
                status = XRecords.Text(data, "status");
                downloadUrl = XRecords.Text(data, "download_url") ?? downloadUrl;
                if (status is null && job.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    var first = errors.EnumerateArray().FirstOrDefault();
                    status = "failed";
                    reason = XRecords.Text(first, "detail") ?? XRecords.Text(first, "title");
                }
            }
            catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                status = "failed";
                reason = "X no longer knows the job";
            }
            if (status is "complete" or "failed" or "expired" or null)
            {
                break;
            }
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                // Still created / in_progress: the cursor keeps the job; the next run resumes polling it.
                return cursor;
            }
            await Task.Delay(left < PollInterval ? left : PollInterval, clock, cancellationToken);
        }

        var done = cursor.WithValue(CursorKey, state with { JobId = null, DownloadUrl = null, JobCreatedAt = null });
        if (status != "complete")
        {
            context.FailedToParse($"{Where}: job {jobId} ended {status ?? "without a status"}" + (reason is null ? "" : $" ({reason})") +
                "; the next check creates a new job.", jobId, Where);
            await context.ImportBatchAsync([], done.ToJson(), cancellationToken);
            return done;
        }
        if (downloadUrl is null)
        {
            context.FailedToParse($"{Where}: job {jobId} completed without a download_url.", jobId, Where);
            await context.ImportBatchAsync([], done.ToJson(), cancellationToken);
            return done;
        }
        await ImportResultsAsync(context, accountId, jobId, downloadUrl, done, cancellationToken);
        return done;
    }

    private async Task ImportResultsAsync(ImportContext context, string accountId, string jobId, string downloadUrl, SocialCursor done,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, PresignedUri(downloadUrl, "download_url"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the download was answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxDownloadBytes)
                {
                    throw new HttpRequestException($"the results are over {MaxDownloadBytes / 1024 / 1024} MB");
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (HttpRequestException ex)
        {
            // The job is kept: the next run polls it again and retries the download (until X expires it).
            context.FailedToParse($"{Where}: the results of job {jobId} could not be read ({ex.Message}); the next run tries again.", jobId, Where);
            return;
        }
        buffer.Position = 0;
        var accounts = await AccountsAsync(context, ResultIds(buffer, cancellationToken), cancellationToken);
        buffer.Position = 0;
        var items = new List<SourceItem>();
        var fileName = $"X compliance job {jobId}";
        foreach (var line in JsonLines.Read(buffer, XJsonlReader.MaxLineBytes, cancellationToken))
        {
            if (line.IsBlank)
            {
                continue;
            }
            ParsedEntry entry;
            if (line.TooLong)
            {
                entry = new ParseFailure($"{fileName} line {line.Number} is too long; it was not read.", null, line.Number);
            }
            else
            {
                entry = ReadLine(line, accountId, accounts, fileName);
            }
            switch (entry)
            {
                case ParsedItem { Item: var item }:
                    items.Add(item);
                    break;
                case ParseFailure failure:
                    context.FailedToParse(failure.Reason, failure.ItemId, Where, failure.Line);
                    break;
            }
            if (items.Count >= BatchSize)
            {
                // The job stays in the cursor until its last batch: a run stopped half way re-reads the results.
                await context.ImportBatchAsync(items, null, cancellationToken);
                items = [];
            }
        }
        await context.ImportBatchAsync(items, done.ToJson(), cancellationToken);
    }

    private static ParsedEntry ReadLine(JsonLine line, string accountId, Dictionary<string, string> accounts, string fileName)
    {
        try
        {
            using var document = JsonDocument.Parse(line.Bytes);
            var root = document.RootElement;
            var id = root.ValueKind == JsonValueKind.Object ? XRecords.Text(root, "id") : null;
            var where = new XRecordContext(id is not null && accounts.TryGetValue(id, out var account) ? account : accountId, null, fileName, line.Number);
            return XRecords.IsComplianceRecord(root)
                ? XRecords.Compliance(root, false, where)
                : new ParseFailure($"{where.Where} is not a compliance record (an id and an action).", id, line.Number);
        }
        catch (JsonException ex)
        {
            return new ParseFailure($"{fileName} line {line.Number} is not valid JSON: {ex.Message}", null, line.Number);
        }
    }

    /// <summary>The ids the results name (a first, cheap pass over the lines).</summary>
    private static List<string> ResultIds(MemoryStream buffer, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in JsonLines.Read(buffer, XJsonlReader.MaxLineBytes, cancellationToken))
        {
            if (line.IsBlank || line.TooLong)
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line.Bytes);
                if (document.RootElement.ValueKind == JsonValueKind.Object && XRecords.Text(document.RootElement, "id") is { } id)
                {
                    ids.Add(id);
                }
            }
            catch (JsonException)
            {
                // Reported by the second pass.
            }
        }
        return [.. ids];
    }

    /// <summary>The source account each archived post id is kept under, so its deletion lands beside it.</summary>
    private static async Task<Dictionary<string, string>> AccountsAsync(ImportContext context, List<string> ids, CancellationToken cancellationToken)
    {
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        var connectorId = context.Connector.Id;
        var type = context.Connector.Type;
        foreach (var chunk in ids.Chunk(1000))
        {
            var rows = await context.Db.Items.AsNoTracking()
                .Where(i => i.ConnectorId == connectorId && i.SourceType == type && chunk.Contains(i.SourceId))
                .Select(i => new { i.SourceId, i.SourceAccount })
                .Distinct()
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                accounts.TryAdd(row.SourceId, row.SourceAccount);
            }
        }
        return accounts;
    }

    /// <summary>A pre-signed URL X gave: absolute http(s); where it may connect is the guarded client's check.</summary>
    private static Uri PresignedUri(string url, string what) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.UserInfo)
            ? uri
            : throw new HttpRequestException($"X gave a {what} that is not an absolute http(s) URL.");
}
