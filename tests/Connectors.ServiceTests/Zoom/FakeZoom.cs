using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Tests.Zoom;

/// <summary>
/// Zoom on loopback: the Server-to-Server OAuth token endpoint and the API endpoints the connector reads, with
/// Zoom's paging (<c>page_size</c>, <c>next_page_token</c>), its error bodies, 429 with Retry-After on demand,
/// and double-decoding of meeting UUIDs in paths. Every request is recorded as it arrived on the wire.
/// </summary>
internal sealed class FakeZoom : IAsyncDisposable
{
    public const string AccountId = "acct-contoso";
    public const string ClientId = "s2s-client";
    public const string ClientSecret = "s2s-secret-value";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private readonly ConcurrentDictionary<string, int> _throttle = new();
    private int _tokensIssued;

    public sealed record User(string Id, string Email, string Name);
    public sealed record Channel(string Id, string Name, string[] MemberIds);
    /// <summary>A message in a channel, or between two people (<see cref="Between"/>: both emails).</summary>
    public sealed record Message(string Id, string SenderEmail, string Text, DateTimeOffset At, string? ChannelId = null,
        string[]? Between = null, string Status = "Normal", DateTimeOffset? DateTime = null);
    public sealed record RecordingFile(string Id, string FileType, string Extension, string RecordingType, long Size, string? Content = null);
    public sealed record Participant(string? UserId, string Name, string? Email);
    public sealed record Meeting(string Uuid, long Id, string HostId, string Topic, DateTimeOffset Start, RecordingFile[] Files, Participant[] Participants);
    public sealed record Request(string Method, string Path, string RawTarget, IReadOnlyDictionary<string, string> Query, int Status);

    public List<User> Users { get; } = [];
    public List<Channel> Channels { get; } = [];
    public List<Message> Messages { get; } = [];
    public List<Meeting> Meetings { get; } = [];
    public ConcurrentQueue<Request> Requests { get; } = new();
    /// <summary>Zoom caps page sizes; a small cap here makes every listing page.</summary>
    public int MaxPageSize { get; set; } = 2;
    public int TokensIssued => _tokensIssued;
    public Uri BaseUrl { get; private set; } = null!;
    public string ApiBaseUrl => new Uri(BaseUrl, "v2/").ToString();
    public string OAuthUrl => new Uri(BaseUrl, "oauth/token").ToString();

    private FakeZoom(WebApplication app) => _app = app;

    public static async Task<FakeZoom> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakeZoom(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The next request whose path starts with <paramref name="pathPrefix"/> gets 429 with Retry-After: 1.</summary>
    public void ThrottleOnce(string pathPrefix) => _throttle[pathPrefix] = 1;

    public string DownloadUrl(string fileId) => new Uri(BaseUrl, $"rec/download/{fileId}").ToString();

    public IReadOnlyList<Request> Seen(string pathPrefix) => Requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var path = raw.Split('?')[0];
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var (status, body, headers) = Answer(request.Method, path, query, request.Headers.Authorization.ToString());
        Requests.Enqueue(new Request(request.Method, path, raw, query, status));
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }
        if (body is string text)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text);
        }
        else if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(body));
        }
    }

    private (int Status, object? Body, Dictionary<string, string> Headers) Answer(string method, string path, Dictionary<string, string> query, string authorization)
    {
        var none = new Dictionary<string, string>();
        foreach (var prefix in _throttle.Keys)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && _throttle.TryRemove(prefix, out _))
            {
                return (429, new { code = 429, message = "You have reached the maximum per-second rate limit for this API." },
                    new Dictionary<string, string> { ["Retry-After"] = "1" });
            }
        }
        if (path == "/oauth/token")
        {
            return method == "POST" ? Token(query, authorization) : (405, null, none);
        }
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            return (401, new { code = 124, message = "Invalid access token." }, none);
        }
        if (path.StartsWith("/rec/download/", StringComparison.Ordinal))
        {
            var id = path["/rec/download/".Length..];
            var file = Meetings.SelectMany(m => m.Files).FirstOrDefault(f => f.Id == id);
            return file?.Content is { } content ? (200, content, none) : (404, new { code = 3301, message = "This recording does not exist." }, none);
        }
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return (404, null, none);
        }
        var segments = path["/v2/".Length..].Split('/');
        try
        {
            return segments switch
            {
                ["users"] => Page(query, "users", Users.Select(u => (object)new { id = u.Id, email = u.Email, display_name = u.Name, type = 2, status = "active" })),
                ["users", var user, "recordings"] => Recordings(Decode(user), query),
                ["chat", "users", var user, "channels"] => Page(query, "channels",
                    Channels.Where(c => c.MemberIds.Contains(Decode(user))).Select(c => (object)new { id = c.Id, name = c.Name, type = 3 })),
                ["chat", "users", _, "channels", var channel, "members"] => Page(query, "members", Members(Decode(channel))),
                ["chat", "users", var user, "sessions"] => Sessions(Decode(user), query),
                ["chat", "users", var user, "messages"] => ChatMessages(Decode(user), query),
                ["past_meetings", var uuid, "participants"] => Participants(uuid, query),
                _ => (404, new { code = 404, message = "Not found." }, none),
            };
        }
        catch (InvalidTokenException)
        {
            return (400, new { code = 300, message = "The next page token is invalid or expired." }, none);
        }
    }

    private (int, object?, Dictionary<string, string>) Token(Dictionary<string, string> query, string authorization)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        if (query.GetValueOrDefault("grant_type") != "account_credentials" || query.GetValueOrDefault("account_id") != AccountId)
        {
            return (400, new { reason = "Invalid request : Bad account_id or grant_type.", error = "invalid_request" }, []);
        }
        if (authorization != expected)
        {
            return (400, new { reason = "Invalid client_id or client_secret", error = "invalid_client" }, []);
        }
        var token = $"token-{Interlocked.Increment(ref _tokensIssued)}-{Guid.NewGuid():N}";
        _tokens[token] = true;
        return (200, new { access_token = token, token_type = "bearer", expires_in = 3600, scope = "user:read:admin chat_message:read:admin recording:read:admin", api_url = "https://api.zoom.us" }, []);
    }

    private IEnumerable<object> Members(string channelId) =>
        Channels.Single(c => c.Id == channelId).MemberIds.Select(id => Users.Single(u => u.Id == id))
            .Select(u => (object)new { id = u.Id, email = u.Email, first_name = u.Name.Split(' ')[0], last_name = u.Name.Split(' ')[^1], name = u.Name, role = "member", is_external = false });

    private (int, object?, Dictionary<string, string>) Sessions(string userId, Dictionary<string, string> query)
    {
        var me = Users.Single(u => u.Id == userId).Email;
        var (from, to) = (Instant(query["from"]), Instant(query["to"]));
        var sessions = Messages.Where(m => m.Between is { } pair && pair.Contains(me, StringComparer.OrdinalIgnoreCase))
            .GroupBy(m => m.Between!.Single(e => !string.Equals(e, me, StringComparison.OrdinalIgnoreCase)).ToLowerInvariant())
            .Select(g => (Peer: g.Key, Last: g.Max(m => m.At)))
            .Where(s => s.Last >= from && s.Last <= to)
            .Select(s =>
            {
                var peer = Users.FirstOrDefault(u => string.Equals(u.Email, s.Peer, StringComparison.OrdinalIgnoreCase));
                return (object)new { name = peer?.Name ?? s.Peer, type = "1:1", peer_contact_email = s.Peer, peer_contact_user_id = peer?.Id, last_message_sent_time = s.Last.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) };
            });
        return Page(query, "sessions", sessions, new Dictionary<string, object?> { ["from"] = query["from"], ["to"] = query["to"] });
    }

    private (int, object?, Dictionary<string, string>) ChatMessages(string userId, Dictionary<string, string> query)
    {
        var me = Users.Single(u => u.Id == userId);
        if (query.GetValueOrDefault("to_channel") is null && query.GetValueOrDefault("to_contact") is null)
        {
            return (400, new { code = 300, message = "Either to_contact or to_channel is required." }, []);
        }
        var (from, to) = (Instant(query["from"]), Instant(query["to"]));
        var all = query.GetValueOrDefault("include_deleted_and_edited_message") == "true";
        var selected = Messages
            .Where(m => query.TryGetValue("to_channel", out var channel)
                ? m.ChannelId == channel && Channels.Single(c => c.Id == channel).MemberIds.Contains(me.Id)
                : m.Between is { } pair && pair.Contains(me.Email, StringComparer.OrdinalIgnoreCase) && pair.Contains(query["to_contact"], StringComparer.OrdinalIgnoreCase))
            .Where(m => m.At >= from && m.At <= to)
            .Where(m => all || m.Status == "Normal")
            .OrderByDescending(m => m.At)
            .Select(m =>
            {
                var sender = Users.Single(u => string.Equals(u.Email, m.SenderEmail, StringComparison.OrdinalIgnoreCase));
                return (object)new
                {
                    id = m.Id,
                    message = m.Text,
                    sender = sender.Email,
                    sender_member_id = "member-" + sender.Id,
                    sender_display_name = sender.Name,
                    date_time = (m.DateTime ?? m.At).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    timestamp = m.At.ToUnixTimeMilliseconds(),
                    message_type = "plain_text_message",
                    status = all ? m.Status : null,
                };
            });
        return Page(query, "messages", selected, new Dictionary<string, object?> { ["from"] = query["from"], ["to"] = query["to"] });
    }

    private (int, object?, Dictionary<string, string>) Recordings(string userId, Dictionary<string, string> query)
    {
        var (from, to) = (DateOnly.Parse(query["from"], CultureInfo.InvariantCulture), DateOnly.Parse(query["to"], CultureInfo.InvariantCulture));
        if (to.DayNumber - from.DayNumber + 1 > 30)
        {
            return (400, new { code = 300, message = "The date range must be at most one month." }, []);
        }
        var host = Users.Single(u => u.Id == userId);
        var meetings = Meetings
            .Where(m => m.HostId == userId)
            .Where(m => DateOnly.FromDateTime(m.Start.UtcDateTime) >= from && DateOnly.FromDateTime(m.Start.UtcDateTime) <= to)
            .Select(m => (object)new
            {
                uuid = m.Uuid,
                id = m.Id,
                account_id = AccountId,
                host_id = m.HostId,
                host_email = host.Email,
                topic = m.Topic,
                type = 2,
                start_time = Iso(m.Start),
                timezone = "Europe/London",
                duration = 30,
                total_size = m.Files.Sum(f => f.Size),
                recording_count = m.Files.Length,
                recording_files = m.Files.Select(f => new
                {
                    id = f.Id,
                    meeting_id = m.Uuid,
                    recording_start = Iso(m.Start.AddSeconds(5)),
                    recording_end = Iso(m.Start.AddMinutes(30)),
                    file_type = f.FileType,
                    file_extension = f.Extension,
                    file_size = f.Content is null ? f.Size : Encoding.UTF8.GetByteCount(f.Content),
                    play_url = new Uri(BaseUrl, $"rec/play/{f.Id}").ToString(),
                    download_url = DownloadUrl(f.Id),
                    status = "completed",
                    recording_type = f.RecordingType,
                }),
            });
        return Page(query, "meetings", meetings, new Dictionary<string, object?> { ["from"] = query["from"], ["to"] = query["to"] });
    }

    /// <summary>Zoom decodes the path once before routing; a double-encoded UUID is decoded again to find the meeting.</summary>
    private (int, object?, Dictionary<string, string>) Participants(string rawSegment, Dictionary<string, string> query)
    {
        var uuid = Uri.UnescapeDataString(Uri.UnescapeDataString(rawSegment));
        var meeting = Meetings.FirstOrDefault(m => m.Uuid == uuid);
        if (meeting is null)
        {
            return (404, new { code = 3001, message = "Meeting does not exist." }, []);
        }
        return Page(query, "participants", meeting.Participants.Select(p => (object)new { id = p.UserId ?? "", user_id = p.UserId, name = p.Name, user_email = p.Email ?? "" }));
    }

    /// <summary>One page of a listing: at most <see cref="MaxPageSize"/> entries, with the token of the next page.</summary>
    private (int, object?, Dictionary<string, string>) Page(Dictionary<string, string> query, string name, IEnumerable<object> all,
        Dictionary<string, object?>? extra = null)
    {
        var items = all.ToList();
        var size = Math.Min(MaxPageSize, int.Parse(query.GetValueOrDefault("page_size", "30"), CultureInfo.InvariantCulture));
        var offset = 0;
        if (query.GetValueOrDefault("next_page_token") is { Length: > 0 } token)
        {
            offset = token.StartsWith("page-", StringComparison.Ordinal) && int.TryParse(token[5..], CultureInfo.InvariantCulture, out var o)
                ? o : throw new InvalidTokenException();
        }
        var page = items.Skip(offset).Take(size).ToList();
        var next = offset + size < items.Count ? $"page-{offset + size}" : "";
        var body = new Dictionary<string, object?>(extra ?? [])
        {
            ["page_size"] = size,
            ["total_records"] = items.Count,
            ["next_page_token"] = next,
            [name] = page,
        };
        return (200, body, []);
    }

    private static string Decode(string segment) => Uri.UnescapeDataString(segment);

    private static DateTimeOffset Instant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private sealed class InvalidTokenException : Exception;
}
