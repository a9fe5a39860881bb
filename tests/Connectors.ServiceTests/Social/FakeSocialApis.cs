using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Connectors.Sources.Social.X;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Social;

/// <summary>
/// X API v2, Facebook Graph and LinkedIn REST on a loopback port, following each vendor's documented paging
/// (X <c>meta.next_token</c>, Graph <c>paging.next</c> absolute links, LinkedIn <c>paging.start/count/total</c>),
/// rate limiting (429 with Retry-After) and error shapes. Every request is recorded.
/// </summary>
public sealed class FakeSocialApis : IAsyncDisposable
{
    private readonly WebApplication _app;

    public FakeX X { get; } = new();
    public FakeFacebook Facebook { get; } = new();
    public FakeLinkedIn LinkedIn { get; } = new();

    /// <summary>Every request as received: path and query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string BaseAddress { get; private set; } = "";

    private FakeSocialApis()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        _app.MapGet("/2/users/{id}/{stream}", (HttpContext context, string id, string stream) => X.Handle(context, id, stream));
        _app.MapPost("/2/compliance/jobs", (Delegate)((HttpContext context) => X.CreateJob(context, BaseAddress)));
        _app.MapGet("/2/compliance/jobs/{id}", (HttpContext context, string id) => X.Job(context, id));
        _app.MapPut("/x-storage/upload/{id}", (HttpContext context, string id) => X.Upload(context, id));
        _app.MapGet("/x-storage/download/{id}", (HttpContext context, string id) => X.Download(context, id));
        _app.MapGet("/v21.0/{pageId}/feed", (HttpContext context, string pageId) => Facebook.Feed(context, pageId, BaseAddress));
        _app.MapGet("/v21.0/{objectId}/comments", (HttpContext context, string objectId) => Facebook.Comments(context, objectId, BaseAddress));
        _app.MapGet("/rest/posts", (HttpContext context) => LinkedIn.Posts(context));
        _app.MapGet("/rest/socialActions/{urn}/comments", (HttpContext context, string urn) => LinkedIn.Comments(context, urn));
    }

    public static async Task<FakeSocialApis> StartAsync()
    {
        var apis = new FakeSocialApis();
        await apis._app.StartAsync();
        apis.BaseAddress = apis._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return apis;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal static int Int(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>
/// X API v2 timelines: <c>users/:id/tweets</c> and <c>users/:id/mentions</c> show the latest version of each post, newest
/// first, after <c>since_id</c>, in pages of <c>max_results</c> linked by <c>meta.next_token</c>; earlier versions
/// come in <c>includes.tweets</c> when the <c>edit_history_tweet_ids</c> expansion is asked for.
/// </summary>
public sealed class FakeX
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _versions = [];
    private readonly Dictionary<string, List<string>> _streams = new() { ["tweets"] = [], ["mentions"] = [] };
    private readonly Dictionary<string, (string Username, string Name)> _users = [];
    private long _sequence;

    public string Token { get; set; } = "x-bearer-token";
    public int RateLimitsLeft { get; set; }
    public int RateLimited { get; private set; }

    public void AddUser(string id, string username, string name)
    {
        lock (_lock)
        {
            _users[id] = (username, name);
        }
    }

    /// <summary>Adds a post made at <paramref name="at"/> and returns its (snowflake) id.</summary>
    public string Post(string stream, DateTimeOffset at, string authorId, string text, string? mentionId = null)
    {
        lock (_lock)
        {
            var id = (XSnowflake.FirstIdAt(at) + ++_sequence).ToString(CultureInfo.InvariantCulture);
            var tweet = new JsonObject
            {
                ["id"] = id,
                ["text"] = text,
                ["created_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["author_id"] = authorId,
                ["conversation_id"] = id,
                ["edit_history_tweet_ids"] = new JsonArray(id),
            };
            if (mentionId is not null)
            {
                tweet["entities"] = new JsonObject
                {
                    ["mentions"] = new JsonArray(new JsonObject { ["start"] = 0, ["end"] = 8, ["username"] = _users[mentionId].Username, ["id"] = mentionId }),
                };
            }
            _versions[id] = tweet;
            _streams[stream].Add(id);
            return id;
        }
    }

    /// <summary>Edits a post: a new id whose history starts with the original, replacing it on the timeline.</summary>
    public string Edit(string stream, string originalId, DateTimeOffset at, string text)
    {
        lock (_lock)
        {
            var original = _versions[originalId];
            var id = (XSnowflake.FirstIdAt(at) + ++_sequence).ToString(CultureInfo.InvariantCulture);
            var history = original["edit_history_tweet_ids"]!.AsArray().Select(h => h!.GetValue<string>()).Append(id).ToList();
            foreach (var version in history.Where(_versions.ContainsKey))
            {
                _versions[version]["edit_history_tweet_ids"] = new JsonArray(history.Select(h => (JsonNode)h).ToArray());
            }
            var edit = original.DeepClone().AsObject();
            edit["id"] = id;
            edit["text"] = text;
            edit["created_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            edit["edit_history_tweet_ids"] = new JsonArray(history.Select(h => (JsonNode)h).ToArray());
            _versions[id] = edit;
            var list = _streams[stream];
            list[list.IndexOf(history[^2])] = id;
            return id;
        }
    }

    private readonly Dictionary<string, FakeComplianceJob> _jobs = [];
    private readonly Dictionary<string, JsonObject> _compliance = [];

    /// <summary>One batch compliance job: its status, and what was uploaded to its pre-signed URL.</summary>
    public sealed class FakeComplianceJob
    {
        public required string Id { get; init; }
        public string Status { get; set; } = "created";
        public List<string> UploadedIds { get; } = [];
        public string? UploadContentType { get; set; }
    }

    /// <summary>Jobs created (POST /2/compliance/jobs), in order.</summary>
    public List<FakeComplianceJob> Jobs
    {
        get
        {
            lock (_lock)
            {
                return [.. _jobs.Values];
            }
        }
    }

    /// <summary>When true, an uploaded job stays in_progress until <see cref="CompleteJobs"/>.</summary>
    public bool HoldJobs { get; set; }

    /// <summary>When true, an uploaded job fails (as X reports a job it could not process).</summary>
    public bool FailJobs { get; set; }

    /// <summary>Requests to the pre-signed upload/download URLs that carried an Authorization header.</summary>
    public int AuthorizedStorageRequests { get; private set; }

    /// <summary>Deletes a post: the compliance results of any job that uploaded its id report it.</summary>
    public void Delete(string id, DateTimeOffset at)
    {
        lock (_lock)
        {
            var time = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            _compliance[id] = new JsonObject { ["id"] = id, ["action"] = "delete", ["created_at"] = time, ["redacted_at"] = time, ["reason"] = "deleted" };
        }
    }

    public void CompleteJobs()
    {
        lock (_lock)
        {
            foreach (var job in _jobs.Values.Where(j => j.Status == "in_progress"))
            {
                job.Status = "complete";
            }
        }
    }

    private string? _base;

    private JsonObject JobJson(FakeComplianceJob job) => new()
    {
        ["id"] = job.Id,
        ["type"] = "tweets",
        ["status"] = job.Status,
        ["resumable"] = false,
        ["created_at"] = "2026-11-25T09:00:00.000Z",
        ["upload_url"] = $"{_base}/x-storage/upload/{job.Id}?X-Goog-Signature=upload-sig",
        ["upload_expires_at"] = "2026-11-25T09:15:00.000Z",
        ["download_url"] = $"{_base}/x-storage/download/{job.Id}?X-Goog-Signature=download-sig",
        ["download_expires_at"] = "2026-12-02T09:00:00.000Z",
    };

    internal async Task<IResult> CreateJob(HttpContext context, string baseAddress)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Results.Json(new { title = "Unauthorized", type = "about:blank", status = 401, detail = "Unauthorized" }, statusCode: 401);
        }
        var body = await JsonNode.ParseAsync(context.Request.Body);
        if (body?["type"]?.GetValue<string>() is not ("tweets" or "users"))
        {
            return Results.Json(new { title = "Invalid Request", detail = "type must be tweets or users" }, statusCode: 400);
        }
        lock (_lock)
        {
            _base = baseAddress;
            var job = new FakeComplianceJob { Id = (1460000000000000000L + _jobs.Count + 1).ToString(CultureInfo.InvariantCulture) };
            _jobs[job.Id] = job;
            return Results.Content(new JsonObject { ["data"] = JobJson(job) }.ToJsonString(), "application/json");
        }
    }

    internal IResult Job(HttpContext context, string id)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Results.Json(new { title = "Unauthorized", type = "about:blank", status = 401, detail = "Unauthorized" }, statusCode: 401);
        }
        lock (_lock)
        {
            return _jobs.TryGetValue(id, out var job)
                ? Results.Content(new JsonObject { ["data"] = JobJson(job) }.ToJsonString(), "application/json")
                : Results.Json(new { errors = new[] { new { detail = $"Could not find job with id: [{id}].", title = "Not Found Error" } } });
        }
    }

    internal async Task<IResult> Upload(HttpContext context, string id)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        lock (_lock)
        {
            if (context.Request.Headers.ContainsKey("Authorization"))
            {
                AuthorizedStorageRequests++;
            }
            if (!_jobs.TryGetValue(id, out var job) || context.Request.Query["X-Goog-Signature"] != "upload-sig")
            {
                return Results.StatusCode(403);
            }
            job.UploadContentType = context.Request.ContentType;
            job.UploadedIds.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            job.Status = FailJobs ? "failed" : HoldJobs ? "in_progress" : "complete";
            return Results.Ok();
        }
    }

    internal IResult Download(HttpContext context, string id)
    {
        lock (_lock)
        {
            if (context.Request.Headers.ContainsKey("Authorization"))
            {
                AuthorizedStorageRequests++;
            }
            if (!_jobs.TryGetValue(id, out var job) || job.Status != "complete" || context.Request.Query["X-Goog-Signature"] != "download-sig")
            {
                return Results.StatusCode(403);
            }
            // As X does: only the ids with a compliance event, one JSON object a line.
            var lines = job.UploadedIds.Where(_compliance.ContainsKey).Select(i => _compliance[i].ToJsonString());
            return Results.Text(string.Concat(lines.Select(l => l + "\n")), "application/json");
        }
    }

    internal IResult Handle(HttpContext context, string userId, string stream)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Results.Json(new { title = "Unauthorized", type = "about:blank", status = 401, detail = "Unauthorized" }, statusCode: 401);
        }
        lock (_lock)
        {
            if (RateLimitsLeft > 0)
            {
                RateLimitsLeft--;
                RateLimited++;
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers["x-rate-limit-reset"] = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { title = "Too Many Requests", type = "about:blank", status = 429, detail = "Too Many Requests" }, statusCode: 429);
            }
            if (!_streams.TryGetValue(stream, out var ids))
            {
                return Results.NotFound();
            }
            if (!_users.ContainsKey(userId))
            {
                // As X does: 200 with only an error.
                return Results.Json(new
                {
                    errors = new[]
                    {
                        new { value = userId, detail = $"Could not find user with id: [{userId}].", title = "Not Found Error", resource_type = "user", parameter = "id" },
                    },
                });
            }
            var since = long.TryParse(context.Request.Query["since_id"], out var s) ? s : 0;
            var offset = context.Request.Query["pagination_token"].ToString() is ['o', .. var rest] ? int.Parse(rest, CultureInfo.InvariantCulture) : 0;
            var size = Math.Clamp(FakeSocialApis.Int(context, "max_results", 10), 5, 100);
            var matching = ids.Where(id => long.Parse(id, CultureInfo.InvariantCulture) > since).OrderByDescending(long.Parse).ToList();
            var page = matching.Skip(offset).Take(size).ToList();
            var data = new JsonArray(page.Select(id => (JsonNode)_versions[id].DeepClone()).ToArray());
            var users = page.SelectMany(id => new[] { _versions[id]["author_id"]!.GetValue<string>() }
                    .Concat(_versions[id]["entities"]?["mentions"]?.AsArray().Select(m => m!["id"]!.GetValue<string>()) ?? []))
                .Distinct().Where(_users.ContainsKey)
                .Select(u => (JsonNode)new JsonObject { ["id"] = u, ["username"] = _users[u].Username, ["name"] = _users[u].Name }).ToArray();
            var includes = new JsonObject { ["users"] = new JsonArray(users) };
            if (context.Request.Query["expansions"].ToString().Contains("edit_history_tweet_ids", StringComparison.Ordinal))
            {
                var earlier = page.SelectMany(id => _versions[id]["edit_history_tweet_ids"]!.AsArray().Select(h => h!.GetValue<string>()))
                    .Where(h => !page.Contains(h) && _versions.ContainsKey(h)).Distinct()
                    .Select(h => (JsonNode)_versions[h].DeepClone()).ToArray();
                includes["tweets"] = new JsonArray(earlier);
            }
            var meta = new JsonObject { ["result_count"] = page.Count };
            if (page.Count > 0)
            {
                meta["newest_id"] = page[0];
                meta["oldest_id"] = page[^1];
            }
            if (offset + size < matching.Count)
            {
                meta["next_token"] = $"o{offset + size}";
            }
            var body = new JsonObject { ["meta"] = meta };
            if (page.Count > 0)
            {
                body["data"] = data;
                body["includes"] = includes;
            }
            return Results.Content(body.ToJsonString(), "application/json");
        }
    }
}

/// <summary>
/// Graph API page feed: newest first, <c>since</c> on the creation time, <c>limit</c> per page, and
/// <c>paging.next</c> absolute links that (as Facebook's do) repeat the access token. Comments come two at a time
/// with their own next links; replies are nested in their comment.
/// </summary>
public sealed class FakeFacebook
{
    private readonly Lock _lock = new();
    private readonly List<FbPost> _posts = [];
    private const int CommentPage = 2;

    public string Token { get; set; } = "fb-page-token";
    public bool Expired { get; set; }

    /// <summary>When set, the feed's next links point at this host instead of ours.</summary>
    public string? NextHost { get; set; }

    /// <summary>Requests that carried an access_token in the query (we send it in a header only).</summary>
    public int TokensInQuery { get; private set; }

    public sealed class FbPost
    {
        public required string Id { get; init; }
        public required string Message { get; set; }
        public required DateTimeOffset Created { get; init; }
        public DateTimeOffset Updated { get; set; }
        public List<FbComment> Comments { get; } = [];
    }

    public sealed record FbComment(string Id, string Message, DateTimeOffset Created, string FromId, string FromName)
    {
        public List<FbComment> Replies { get; } = [];
    }

    public FbPost AddPost(string id, DateTimeOffset created, string message)
    {
        lock (_lock)
        {
            var post = new FbPost { Id = id, Message = message, Created = created, Updated = created };
            _posts.Add(post);
            return post;
        }
    }

    public void Update(Action edit)
    {
        lock (_lock)
        {
            edit();
        }
    }

    public FbPost Post(string id)
    {
        lock (_lock)
        {
            return _posts.Single(p => p.Id == id);
        }
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    private IResult? Check(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("access_token"))
        {
            TokensInQuery++;
        }
        if (Expired || context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Results.Json(new
            {
                error = new
                {
                    message = "Error validating access token: Session has expired on Sunday, 24-Nov-24 10:00:00 PST.",
                    type = "OAuthException",
                    code = 190,
                    error_subcode = 463,
                    fbtrace_id = "AbCdEf123",
                },
            }, statusCode: 400);
        }
        return null;
    }

    private string Next(string baseAddress, string path, int after) =>
        $"{baseAddress}{path}?limit={CommentPage}&after={after}&access_token={Token}";

    internal IResult Feed(HttpContext context, string pageId, string baseAddress)
    {
        lock (_lock)
        {
            if (Check(context) is { } refused)
            {
                return refused;
            }
            var since = long.TryParse(context.Request.Query["since"], out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.MinValue;
            var limit = FakeSocialApis.Int(context, "limit", 25);
            var after = FakeSocialApis.Int(context, "after", 0);
            var matching = _posts.Where(p => p.Created >= since).OrderByDescending(p => p.Created).ToList();
            var page = matching.Skip(after).Take(limit).ToList();
            var data = new JsonArray(page.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id,
                ["message"] = p.Message,
                ["created_time"] = Time(p.Created),
                ["updated_time"] = Time(p.Updated),
                ["from"] = new JsonObject { ["id"] = pageId, ["name"] = "Contoso" },
                ["permalink_url"] = $"https://www.facebook.com/{p.Id}",
                ["comments"] = CommentEdge(p.Id, p.Comments, 0, baseAddress),
            }).ToArray());
            var paging = new JsonObject();
            if (after + limit < matching.Count)
            {
                var query = $"?fields=id%2Cmessage&limit={limit}&since={(since == DateTimeOffset.MinValue ? "" : since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))}&after={after + limit}&access_token={Token}";
                paging["next"] = $"{(NextHost ?? baseAddress)}/v21.0/{pageId}/feed{query}";
            }
            return Results.Content(new JsonObject { ["data"] = data, ["paging"] = paging }.ToJsonString(), "application/json");
        }
    }

    internal IResult Comments(HttpContext context, string objectId, string baseAddress)
    {
        lock (_lock)
        {
            if (Check(context) is { } refused)
            {
                return refused;
            }
            var post = _posts.Single(p => p.Id == objectId);
            return Results.Content(CommentEdge(objectId, post.Comments, FakeSocialApis.Int(context, "after", 0), baseAddress).ToJsonString(), "application/json");
        }
    }

    private JsonObject CommentEdge(string postId, List<FbComment> comments, int after, string baseAddress)
    {
        var page = comments.Skip(after).Take(CommentPage).ToList();
        var edge = new JsonObject
        {
            ["data"] = new JsonArray(page.Select(c => (JsonNode)Comment(c, withReplies: true)).ToArray()),
        };
        if (after + CommentPage < comments.Count)
        {
            edge["paging"] = new JsonObject { ["next"] = Next(baseAddress, $"/v21.0/{postId}/comments", after + CommentPage) };
        }
        return edge;
    }

    private static JsonObject Comment(FbComment comment, bool withReplies)
    {
        var json = new JsonObject
        {
            ["id"] = comment.Id,
            ["message"] = comment.Message,
            ["created_time"] = Time(comment.Created),
            ["from"] = new JsonObject { ["id"] = comment.FromId, ["name"] = comment.FromName },
        };
        if (withReplies && comment.Replies.Count > 0)
        {
            json["comments"] = new JsonObject { ["data"] = new JsonArray(comment.Replies.Select(r => (JsonNode)Comment(r, false)).ToArray()) };
        }
        return json;
    }
}

/// <summary>
/// LinkedIn REST: <c>posts?q=author</c> (newest modified first) and <c>socialActions/{urn}/comments</c>, paged by
/// <c>start</c>/<c>count</c> with <c>paging.total</c>; both refuse calls without the version headers.
/// </summary>
public sealed class FakeLinkedIn
{
    private readonly Lock _lock = new();
    private readonly List<LiPost> _posts = [];

    public string Token { get; set; } = "li-access-token";
    public string Version { get; set; } = "202411";

    /// <summary>Comments come at most this many at a time whatever count asks, to make the client page.</summary>
    public int CommentPageLimit { get; set; } = 2;

    public sealed class LiPost
    {
        public required string Urn { get; init; }
        public required string Author { get; init; }
        public required string Commentary { get; set; }
        public required long Created { get; init; }
        public long Modified { get; set; }
        public List<LiComment> Comments { get; } = [];
    }

    public sealed record LiComment(string Id, string Urn, string Actor, string Text, long Created, string? Parent = null)
    {
        public List<LiComment> Replies { get; } = [];
    }

    public LiPost AddPost(string urn, string author, DateTimeOffset created, string commentary)
    {
        lock (_lock)
        {
            var post = new LiPost { Urn = urn, Author = author, Commentary = commentary, Created = created.ToUnixTimeMilliseconds(), Modified = created.ToUnixTimeMilliseconds() };
            _posts.Add(post);
            return post;
        }
    }

    public void Update(Action edit)
    {
        lock (_lock)
        {
            edit();
        }
    }

    public LiPost Find(string urn)
    {
        lock (_lock)
        {
            return _posts.Single(p => p.Urn == urn);
        }
    }

    private IResult? Check(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Results.Json(new { status = 401, serviceErrorCode = 65600, code = "INVALID_ACCESS_TOKEN", message = "Invalid access token" }, statusCode: 401);
        }
        if (context.Request.Headers["LinkedIn-Version"].ToString() != Version || context.Request.Headers["X-Restli-Protocol-Version"].ToString() != "2.0.0")
        {
            return Results.Json(new { status = 400, code = "VERSION_MISSING", message = "A version header is missing or wrong" }, statusCode: 400);
        }
        return null;
    }

    internal IResult Posts(HttpContext context)
    {
        lock (_lock)
        {
            if (Check(context) is { } refused)
            {
                return refused;
            }
            if (context.Request.Query["q"] != "author" || !context.Request.Query["author"].ToString().StartsWith("urn:li:organization:", StringComparison.Ordinal))
            {
                return Results.Json(new { status = 400, message = "q=author and an author URN are required" }, statusCode: 400);
            }
            var author = context.Request.Query["author"].ToString();
            var start = FakeSocialApis.Int(context, "start", 0);
            var count = FakeSocialApis.Int(context, "count", 10);
            var matching = _posts.Where(p => p.Author == author).OrderByDescending(p => p.Modified).ToList();
            var elements = new JsonArray(matching.Skip(start).Take(count).Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Urn,
                ["author"] = p.Author,
                ["commentary"] = p.Commentary,
                ["visibility"] = "PUBLIC",
                ["lifecycleState"] = "PUBLISHED",
                ["createdAt"] = p.Created,
                ["publishedAt"] = p.Created,
                ["lastModifiedAt"] = p.Modified,
                ["distribution"] = new JsonObject { ["feedDistribution"] = "MAIN_FEED" },
            }).ToArray());
            return Results.Content(new JsonObject
            {
                ["elements"] = elements,
                ["paging"] = new JsonObject { ["start"] = start, ["count"] = count, ["total"] = matching.Count, ["links"] = new JsonArray() },
            }.ToJsonString(), "application/json");
        }
    }

    internal IResult Comments(HttpContext context, string urn)
    {
        lock (_lock)
        {
            if (Check(context) is { } refused)
            {
                return refused;
            }
            var all = _posts.SelectMany(p => p.Comments).ToList();
            var comments = _posts.FirstOrDefault(p => p.Urn == urn)?.Comments
                ?? all.FirstOrDefault(c => c.Urn == urn)?.Replies;
            if (comments is null)
            {
                return Results.Json(new { status = 404, message = $"No such object {urn}" }, statusCode: 404);
            }
            var start = FakeSocialApis.Int(context, "start", 0);
            var count = Math.Min(FakeSocialApis.Int(context, "count", 10), CommentPageLimit);
            var elements = new JsonArray(comments.Skip(start).Take(count).Select(c =>
            {
                var json = new JsonObject
                {
                    ["id"] = c.Id,
                    ["commentUrn"] = c.Urn,
                    ["$URN"] = c.Urn,
                    ["actor"] = c.Actor,
                    ["object"] = urn,
                    ["message"] = new JsonObject { ["text"] = c.Text, ["attributes"] = new JsonArray() },
                    ["created"] = new JsonObject { ["actor"] = c.Actor, ["time"] = c.Created },
                    ["lastModified"] = new JsonObject { ["actor"] = c.Actor, ["time"] = c.Created },
                };
                if (c.Parent is not null)
                {
                    json["parentComment"] = c.Parent;
                }
                if (c.Replies.Count > 0)
                {
                    json["commentsSummary"] = new JsonObject { ["totalFirstLevelComments"] = c.Replies.Count, ["aggregatedTotalComments"] = c.Replies.Count };
                }
                return (JsonNode)json;
            }).ToArray());
            return Results.Content(new JsonObject
            {
                ["elements"] = elements,
                ["paging"] = new JsonObject { ["start"] = start, ["count"] = count, ["total"] = comments.Count, ["links"] = new JsonArray() },
            }.ToJsonString(), "application/json");
        }
    }
}
