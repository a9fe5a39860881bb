using Connectors.Archive;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Connectors.Sources.Files;

namespace Connectors.Sources.Slack.Api;

/// <summary>A file a message shares, as the message's <c>files[]</c> (or legacy <c>file</c>) describes it.</summary>
internal sealed record SlackFileRef(string? Id, string Name, long? Size, string? MimeType, string? Mode, string? FileAccess,
    bool IsExternal, string? ExternalType, string? DownloadUrl)
{
    /// <summary>The files of a message once each by id, in the order <see cref="SlackMessageReader"/> lists them.</summary>
    public static List<SlackFileRef> Of(JsonElement message)
    {
        var refs = new List<SlackFileRef>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var legacy = SlackJson.Object(message, "file");
        var files = legacy.ValueKind == JsonValueKind.Object ? SlackJson.Array(message, "files").Prepend(legacy) : SlackJson.Array(message, "files");
        foreach (var file in files.Where(f => f.ValueKind == JsonValueKind.Object))
        {
            var id = SlackJson.NonEmpty(file, "id");
            if (id is not null && !seen.Add(id))
            {
                continue;
            }
            refs.Add(new SlackFileRef(
                id,
                SlackJson.NonEmpty(file, "name") ?? SlackJson.NonEmpty(file, "title") ?? id ?? "file",
                SlackJson.Int64(file, "size"),
                SlackJson.NonEmpty(file, "mimetype"),
                SlackJson.NonEmpty(file, "mode"),
                SlackJson.NonEmpty(file, "file_access"),
                SlackJson.IsTrue(file, "is_external"),
                SlackJson.NonEmpty(file, "external_type"),
                SlackJson.NonEmpty(file, "url_private_download") ?? SlackJson.NonEmpty(file, "url_private")));
        }
        return refs;
    }
}

/// <summary>
/// Downloads the files messages share, with the bearer token, through the sources' HTTP client, and stores each
/// once by SHA-256 in <c>content_blobs</c>. The body streams through a temporary file (hashed on the way), so a
/// 100 MB file is never held in memory. The token goes only to Slack's own hosts: the API's host and
/// <c>*.slack.com</c>. Each file id is fetched at most once per run; a file that cannot be fetched gets a reason.
/// </summary>
internal sealed class SlackFileDownloader(HttpClient http, Uri apiBase, string token, SlackApiSettings settings, string connectionString)
{
    private const int MaxRedirects = 3;

    private readonly Dictionary<string, DeliveredAttachment> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal);

    public int Downloaded { get; private set; }

    /// <summary>Fetches what can be fetched: stored files by Slack file id, and one reason per file that was not.</summary>
    public async Task<(Dictionary<string, DeliveredAttachment> Stored, List<string> Missing)> FetchAsync(IReadOnlyList<SlackFileRef> files,
        CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, DeliveredAttachment>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var file in files)
        {
            if (file.Id is null)
            {
                missing.Add($"{file.Name} (the message names no file id)");
                continue;
            }
            if (!_stored.TryGetValue(file.Id, out var attachment) && !_refused.ContainsKey(file.Id))
            {
                var (fetched, reason) = await FetchAsync(file, cancellationToken);
                if (fetched is not null)
                {
                    _stored[file.Id] = attachment = fetched;
                }
                else
                {
                    _refused[file.Id] = reason!;
                }
            }
            if (attachment is not null)
            {
                stored[file.Id] = attachment;
            }
            else
            {
                missing.Add($"{file.Name} ({_refused[file.Id]})");
            }
        }
        return (stored, missing);
    }

    private async Task<(DeliveredAttachment? Stored, string? Reason)> FetchAsync(SlackFileRef file, CancellationToken cancellationToken)
    {
        if (Refusal(file) is { } refusal)
        {
            return (null, refusal);
        }
        var uri = new Uri(file.DownloadUrl!, UriKind.Absolute);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (IsSlackHost(uri))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        return (null, $"Slack redirected the download more than {MaxRedirects} times");
                    }
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    continue;
                }
                return await StoreAsync(file, response, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Polly.ExecutionRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"the download failed: {e.Message}");
        }
    }

    /// <summary>Why a file is not even asked for, or null.</summary>
    private string? Refusal(SlackFileRef file)
    {
        if (!settings.DownloadFiles)
        {
            return "file downloads are turned off (settings.slackApi.downloadFiles)";
        }
        if (file.Mode == "tombstone")
        {
            return "the file was deleted in Slack";
        }
        if (file.Mode == "hidden_by_limit")
        {
            return "Slack hides the file under the workspace plan's limits";
        }
        if (file.FileAccess == "check_file_info")
        {
            return "Slack withholds the file's details (file_access: check_file_info, e.g. shared from another organisation)";
        }
        if (file.IsExternal || file.Mode == "external")
        {
            return $"the file is stored outside Slack ({file.ExternalType ?? "external"}); Slack holds only a link";
        }
        if (file.Size > settings.MaxFileBytes)
        {
            return TooLarge(file.Size.Value);
        }
        if (file.DownloadUrl is null || !Uri.TryCreate(file.DownloadUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "Slack gave no download URL for it";
        }
        if (!IsSlackHost(uri))
        {
            return $"its download URL is not on Slack ({uri.Host}); the token is not sent there";
        }
        return null;
    }

    private string TooLarge(long size) =>
        $"{size.ToString("N0", CultureInfo.InvariantCulture)} bytes, larger than the {settings.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes allowed by settings.slackApi.maxFileBytes";

    private async Task<(DeliveredAttachment? Stored, string? Reason)> StoreAsync(SlackFileRef file, HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            return (null, $"Slack answered the download with {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (response.Content.Headers.ContentLength is { } length && length > settings.MaxFileBytes)
        {
            return (null, TooLarge(length));
        }
        // Without a token Slack answers 200 with its sign-in page: HTML where the file is not HTML is no file.
        if (response.Content.Headers.ContentType?.MediaType == "text/html" && file.MimeType is not ("text/html" or null))
        {
            return (null, "Slack answered with a web page instead of the file (does the token have the files:read scope?)");
        }

        var path = Path.Combine(Path.GetTempPath(), $"slack-file-{Guid.NewGuid():N}");
        await using var temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await SlackWebApi.ReadIdleLimitedAsync(body, buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > settings.MaxFileBytes)
                {
                    return (null, $"the download grew past the {settings.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes allowed by settings.slackApi.maxFileBytes");
                }
                hash.AppendData(buffer, 0, read);
                await temp.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var size = temp.Length;
        temp.Position = 0;
        await ContentStore.StoreAsync(connectionString, sha, size, temp, cancellationToken);
        Downloaded++;
        return (new DeliveredAttachment(file.Id!, file.Name, size, sha), null);
    }

    /// <summary>The token goes to the API's own host and to Slack's file hosts, nowhere else.</summary>
    private bool IsSlackHost(Uri uri) =>
        (uri.Scheme == "https" || uri.Scheme == apiBase.Scheme)
        && (string.Equals(uri.Host, apiBase.Host, StringComparison.OrdinalIgnoreCase)
            || (uri.Scheme == "https" && (uri.Host.Equals("slack.com", StringComparison.OrdinalIgnoreCase)
                || uri.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase))));

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
