using System.Text.Json;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Slack;

/// <summary>
/// The people and conversations of one export: <c>users.json</c> (id → identity) and the channel lists
/// (<c>channels.json</c>, <c>groups.json</c>, <c>dms.json</c>, <c>mpims.json</c>) that map a folder to its
/// conversation id and members. Exports carry no email unless the admin's export includes it, so the
/// identity's <see cref="SourceIdentity.SourceId"/> is always the Slack user id (the stable mapping key).
/// </summary>
public sealed class SlackDirectory
{
    private readonly Dictionary<string, SourceIdentity> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SlackConversation> _byFolder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SlackConversation> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceIdentity[]> _members = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SourceIdentity> Users => _users;

    public IReadOnlyCollection<SlackConversation> Conversations => _byId.Values;

    public void Add(SourceIdentity user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _users[user.SourceId] = user;
        _members.Clear();
    }

    public void Add(SlackConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        _byId[conversation.Id] = conversation;
        _byFolder[conversation.Folder] = conversation;
        _members.Clear();
    }

    /// <summary>The user as users.json knows them, or an identity holding only the id.</summary>
    public SourceIdentity User(string userId) => _users.TryGetValue(userId, out var user) ? user : new SourceIdentity(userId);

    public bool TryGetUser(string userId, out SourceIdentity user) => _users.TryGetValue(userId, out user!);

    /// <summary>The conversation whose day files a folder holds: by name (channels, groups, mpims), else by id (DMs).</summary>
    public SlackConversation? ForFolder(string folder) =>
        _byFolder.TryGetValue(folder, out var byName) ? byName : _byId.GetValueOrDefault(folder);

    public SlackConversation? ById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The members of a conversation as identities (cached per conversation).</summary>
    internal IReadOnlyList<SourceIdentity> MembersOf(SlackConversation conversation)
    {
        if (conversation.Members.Count == 0)
        {
            return [];
        }
        if (!_members.TryGetValue(conversation.Id, out var members))
        {
            members = conversation.Members.Distinct(StringComparer.Ordinal).Select(User).ToArray();
            _members[conversation.Id] = members;
        }
        return members;
    }

    /// <summary>Reads <c>users.json</c> (or <c>org_users.json</c>) into the directory; returns what could not be read.</summary>
    public IReadOnlyList<ParseFailure> LoadUsers(Stream json, string sourceName, CancellationToken cancellationToken,
        long maxValueBytes = SlackLimits.MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Load(json, sourceName, maxValueBytes, cancellationToken, (element, line) =>
        {
            if (ReadUser(element) is { } user)
            {
                Add(user);
                return null;
            }
            return new ParseFailure($"A user in {sourceName} has no id.", sourceName, line);
        });
    }

    /// <summary>Reads one channel list into the directory; returns what could not be read.</summary>
    public IReadOnlyList<ParseFailure> LoadConversations(Stream json, SlackConversationKind kind, string sourceName,
        CancellationToken cancellationToken, long maxValueBytes = SlackLimits.MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Load(json, sourceName, maxValueBytes, cancellationToken, (element, line) =>
        {
            if (SlackJson.String(element, "id") is not { Length: > 0 } id)
            {
                return new ParseFailure($"A conversation in {sourceName} has no id.", sourceName, line);
            }
            var members = element.TryGetProperty("members", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray()
                : [];
            Add(new SlackConversation(id, SlackJson.String(element, "name"), kind, members));
            return null;
        });
    }

    /// <summary>A users.json entry as an identity: display name from the profile's real name, then the account's.</summary>
    public static SourceIdentity? ReadUser(JsonElement user)
    {
        if (user.ValueKind != JsonValueKind.Object || SlackJson.String(user, "id") is not { Length: > 0 } id)
        {
            return null;
        }
        var profile = user.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        AddProperty(properties, "name", SlackJson.String(user, "name"));
        AddProperty(properties, "display_name", SlackJson.String(profile, "display_name"));
        AddProperty(properties, "tz", SlackJson.String(user, "tz"));
        AddProperty(properties, "team_id", SlackJson.String(user, "team_id"));
        if (SlackJson.IsTrue(user, "is_bot"))
        {
            properties["is_bot"] = "true";
        }
        if (SlackJson.IsTrue(user, "deleted"))
        {
            properties["deleted"] = "true";
        }
        var displayName = SlackJson.NonEmpty(profile, "real_name") ?? SlackJson.NonEmpty(user, "real_name")
            ?? SlackJson.NonEmpty(profile, "display_name") ?? SlackJson.NonEmpty(user, "name");
        return new SourceIdentity(id, displayName, SlackJson.NonEmpty(profile, "email"), properties);
    }

    /// <summary>Fills what users.json did not say about a sender from the message's own <c>user_profile</c>.</summary>
    internal static SourceIdentity WithProfile(SourceIdentity user, JsonElement profile)
    {
        if (profile.ValueKind != JsonValueKind.Object || (user.DisplayName is not null && user.Email is not null))
        {
            return user;
        }
        var displayName = user.DisplayName ?? SlackJson.NonEmpty(profile, "real_name") ?? SlackJson.NonEmpty(profile, "display_name")
            ?? SlackJson.NonEmpty(profile, "name");
        var email = user.Email ?? SlackJson.NonEmpty(profile, "email");
        if (displayName == user.DisplayName && email == user.Email)
        {
            return user;
        }
        var properties = user.Properties is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(user.Properties);
        if (!properties.ContainsKey("name"))
        {
            AddProperty(properties, "name", SlackJson.NonEmpty(profile, "name"));
        }
        return user with { DisplayName = displayName, Email = email, Properties = properties };
    }

    private static void AddProperty(Dictionary<string, string> properties, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            properties[name] = value;
        }
    }

    private static List<ParseFailure> Load(Stream json, string sourceName, long maxValueBytes, CancellationToken cancellationToken,
        Func<JsonElement, int, ParseFailure?> add)
    {
        var failures = new List<ParseFailure>();
        var values = new JsonValueStream(json, maxValueBytes);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = values.Next();
            if (read.Kind == JsonValueReadKind.End)
            {
                return failures;
            }
            if (read.Kind == JsonValueReadKind.Error)
            {
                failures.Add(new ParseFailure($"{sourceName} could not be read to the end: {read.Error}", sourceName, read.Line));
                return failures;
            }
            if (Apply(read, sourceName, add) is { } failure)
            {
                failures.Add(failure);
            }
        }
    }

    private static ParseFailure? Apply(JsonValueRead read, string sourceName, Func<JsonElement, int, ParseFailure?> add)
    {
        try
        {
            using var document = JsonDocument.Parse(read.Bytes!, SlackJson.DocumentOptions);
            return add(document.RootElement, read.Line);
        }
        catch (Exception e) when (SlackJson.IsContentError(e))
        {
            return new ParseFailure($"An entry of {sourceName} could not be read: {e.Message}", sourceName, read.Line);
        }
    }
}
