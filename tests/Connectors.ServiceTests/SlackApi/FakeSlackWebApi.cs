using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectors.Tests.SlackApi;

/// <summary>
/// A small Slack Web API on a loopback port: <c>users.list</c>, <c>conversations.list</c>, <c>.members</c>,
/// <c>.history</c> and <c>.replies</c> with Slack's cursor paging (<c>limit</c>, <c>response_metadata.next_cursor</c>;
/// pages are never larger than <see cref="PageSize"/>, as Slack may return fewer than asked), its errors (HTTP 200 with
/// <c>"ok": false</c>), a 429 with <c>Retry-After: 1</c> on demand, and file downloads that need the bearer token.
/// </summary>
public sealed class FakeSlackWebApi : IAsyncDisposable
{
    public const string Token = "xoxb-fake-7d1c9e2b4a";
    public const int PageSize = 2;

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<FakeConversation> _conversations = [];
    private readonly List<JsonObject> _users = [];
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <summary>Every API call as (method, query string), in order.</summary>
    public ConcurrentQueue<(string Method, IReadOnlyDictionary<string, string?> Query)> Calls { get; } = new();
    /// <summary>Calls answered 429.</summary>
    public ConcurrentQueue<string> RateLimited { get; } = new();
    public ConcurrentDictionary<string, int> Downloads { get; } = new(StringComparer.Ordinal);
    /// <summary>Downloads refused because the bearer token was missing or wrong.</summary>
    public ConcurrentQueue<string> RefusedDownloads { get; } = new();

    /// <summary>Answer every method with <c>invalid_auth</c> (a revoked or mistyped token).</summary>
    public bool InvalidAuth { get; set; }

    /// <summary>The next call of this method that carries a cursor (its second page or later) is answered 429 once.</summary>
    public string? RateLimitNextPageOf { get; set; }

    /// <summary>Conversation ids whose history answers <c>not_in_channel</c>.</summary>
    public HashSet<string> NotInChannel { get; } = new(StringComparer.Ordinal);

    public string BaseUrl { get; private set; } = "";

    private FakeSlackWebApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/{method}", (string method, HttpContext http) => Answer(method, http));
        _app.MapGet("/files-pri/{id}/download/{name}", (string id, HttpContext http) => Download(id, http));
    }

    public static async Task<FakeSlackWebApi> StartAsync()
    {
        var fake = new FakeSlackWebApi();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public string ApiUrl => BaseUrl + "/api/";

    public void AddUser(string id, string realName, string? email) => _users.Add(new JsonObject
    {
        ["id"] = id,
        ["team_id"] = "T0FAKE",
        ["name"] = realName.ToLowerInvariant(),
        ["real_name"] = realName,
        ["profile"] = new JsonObject { ["real_name"] = realName, ["display_name"] = realName, ["email"] = email },
    });

    /// <summary>Adds a conversation: <paramref name="type"/> is public_channel, private_channel, mpim or im.</summary>
    public FakeConversation AddConversation(string id, string? name, string type, params string[] members)
    {
        var channel = new JsonObject
        {
            ["id"] = id,
            ["created"] = 1_700_000_000,
            ["is_channel"] = type is "public_channel" or "private_channel",
            ["is_group"] = false,
            ["is_im"] = type == "im",
            ["is_mpim"] = type == "mpim",
            ["is_private"] = type is "private_channel" or "mpim" or "im",
            ["is_archived"] = false,
        };
        if (name is not null)
        {
            channel["name"] = name;
        }
        if (type == "im")
        {
            channel["user"] = members.Last();
        }
        var conversation = new FakeConversation(id, type, channel, [.. members]);
        lock (_gate)
        {
            _conversations.Add(conversation);
        }
        return conversation;
    }

    /// <summary>A file the fake serves at its private download URL; returns the file object a message carries.</summary>
    public JsonObject File(string id, string name, byte[]? content, long? declaredSize = null, string mimeType = "text/plain")
    {
        if (content is not null)
        {
            _files[id] = content;
        }
        return new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["title"] = name,
            ["mimetype"] = mimeType,
            ["filetype"] = Path.GetExtension(name).TrimStart('.'),
            ["size"] = declaredSize ?? content?.Length ?? 0,
            ["mode"] = "hosted",
            ["is_external"] = false,
            ["url_private"] = $"{BaseUrl}/files-pri/{id}/{name}",
            ["url_private_download"] = $"{BaseUrl}/files-pri/{id}/download/{name}",
        };
    }

    public static string Ts(DateTimeOffset at, int micro = 100) =>
        $"{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{micro.ToString("000000", CultureInfo.InvariantCulture)}";

    public static JsonObject Message(string user, string ts, string text, params JsonObject[] files)
    {
        var message = new JsonObject { ["type"] = "message", ["user"] = user, ["text"] = text, ["ts"] = ts, ["team"] = "T0FAKE" };
        if (files.Length > 0)
        {
            message["files"] = new JsonArray([.. files]);
            message["upload"] = false;
        }
        return message;
    }

    /// <summary>The history calls made for a conversation, with the oldest each asked for.</summary>
    public IReadOnlyList<string?> OldestAsked(string conversationId) =>
        Calls.Where(c => c.Method == "conversations.history" && c.Query.GetValueOrDefault("channel") == conversationId
                && !c.Query.ContainsKey("cursor"))
            .Select(c => c.Query.GetValueOrDefault("oldest"))
            .ToList();

    private IResult Answer(string method, HttpContext http)
    {
        var query = http.Request.Query;
        Calls.Enqueue((method, query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal)));
        if (InvalidAuth || http.Request.Headers.Authorization != $"Bearer {Token}")
        {
            return Json(new JsonObject { ["ok"] = false, ["error"] = InvalidAuth ? "invalid_auth" : "not_authed" });
        }
        if (RateLimitNextPageOf == method && !string.IsNullOrEmpty(query["cursor"]))
        {
            RateLimitNextPageOf = null;
            RateLimited.Enqueue($"{method} {query["channel"]} {query["cursor"]}");
            http.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }
        lock (_gate)
        {
            return method switch
            {
                "users.list" => Page(query, "members", _users),
                "conversations.list" => ListConversations(query),
                "conversations.members" => WithConversation(query, c => Page(query, "members", c.Members.Select(m => (JsonNode)JsonValue.Create(m)))),
                "conversations.history" => WithConversation(query, c => History(c, query)),
                "conversations.replies" => WithConversation(query, c => Replies(c, query)),
                _ => Json(new JsonObject { ["ok"] = false, ["error"] = "unknown_method" }),
            };
        }
    }

    private IResult ListConversations(IQueryCollection query)
    {
        var types = (query["types"].FirstOrDefault() ?? "public_channel").Split(',', StringSplitOptions.TrimEntries);
        return Page(query, "channels", _conversations.Where(c => types.Contains(c.Type)).Select(c => c.Channel));
    }

    private IResult WithConversation(IQueryCollection query, Func<FakeConversation, IResult> answer) =>
        _conversations.FirstOrDefault(c => c.Id == query["channel"]) is { } conversation
            ? answer(conversation)
            : Json(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" });

    private IResult History(FakeConversation conversation, IQueryCollection query)
    {
        if (NotInChannel.Contains(conversation.Id))
        {
            return Json(new JsonObject { ["ok"] = false, ["error"] = "not_in_channel" });
        }
        var oldest = decimal.TryParse(query["oldest"].FirstOrDefault(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var o) ? o : 0m;
        // Newest first, as Slack pages history; oldest is exclusive (inclusive defaults to false).
        var messages = conversation.Messages
            .Where(m => TsOf(m) > oldest)
            .OrderByDescending(TsOf);
        return Page(query, "messages", messages, hasMore: true);
    }

    private static IResult Replies(FakeConversation conversation, IQueryCollection query)
    {
        var ts = query["ts"].FirstOrDefault();
        var root = conversation.Messages.FirstOrDefault(m => (string?)m["ts"] == ts);
        if (root is null)
        {
            return Json(new JsonObject { ["ok"] = false, ["error"] = "thread_not_found" });
        }
        // The root first, then its replies oldest first.
        var thread = conversation.Replies.Where(r => (string?)r["thread_ts"] == ts).OrderBy(TsOf).Prepend(root);
        return Page(query, "messages", thread, hasMore: true);
    }

    private static decimal TsOf(JsonNode message) => decimal.Parse((string)message["ts"]!, CultureInfo.InvariantCulture);

    /// <summary>One page: at most min(limit, <see cref="PageSize"/>) entries from the cursor's offset.</summary>
    private static IResult Page(IQueryCollection query, string field, IEnumerable<JsonNode> all, bool hasMore = false)
    {
        var limit = int.TryParse(query["limit"].FirstOrDefault(), out var l) && l > 0 ? Math.Min(l, PageSize) : PageSize;
        var offset = 0;
        if (query["cursor"].FirstOrDefault() is { Length: > 0 } cursor)
        {
            offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor))["offset:".Length..], CultureInfo.InvariantCulture);
        }
        var list = all.ToList();
        var page = list.Skip(offset).Take(limit).Select(n => n.DeepClone()).ToArray();
        var more = offset + limit < list.Count;
        var answer = new JsonObject
        {
            ["ok"] = true,
            [field] = new JsonArray(page),
            ["response_metadata"] = new JsonObject
            {
                ["next_cursor"] = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset + limit}")) : "",
            },
        };
        if (hasMore)
        {
            answer["has_more"] = more;
        }
        return Json(answer);
    }

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");

    private IResult Download(string id, HttpContext http)
    {
        if (http.Request.Headers.Authorization != $"Bearer {Token}")
        {
            RefusedDownloads.Enqueue(id);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!_files.TryGetValue(id, out var content))
        {
            return Results.NotFound();
        }
        Downloads.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Results.Bytes(content, "application/octet-stream");
    }
}

/// <summary>A conversation of the fake: its channel object, members, top-level messages and thread replies.</summary>
public sealed record FakeConversation(string Id, string Type, JsonObject Channel, List<string> Members)
{
    public List<JsonObject> Messages { get; } = [];
    public List<JsonObject> Replies { get; } = [];

    public JsonObject Post(JsonObject message)
    {
        Messages.Add(message);
        return message;
    }

    /// <summary>Adds a reply to the thread of <paramref name="root"/> and keeps the root's reply_count in step.</summary>
    public JsonObject Reply(JsonObject root, JsonObject reply)
    {
        var rootTs = (string)root["ts"]!;
        root["thread_ts"] = rootTs;
        reply["thread_ts"] = rootTs;
        reply["parent_user_id"] = (string?)root["user"];
        Replies.Add(reply);
        root["reply_count"] = Replies.Count(r => (string?)r["thread_ts"] == rootTs);
        root["latest_reply"] = (string)reply["ts"]!;
        return reply;
    }
}
