using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Imports;
using Microsoft.Extensions.Logging;
using static Connectors.Sources.Zoom.ZoomItems;

namespace Connectors.Sources.Zoom;

/// <summary>
/// One run of a Zoom connector. Per window of days: every collected user's team chat, then their recordings;
/// items go to the pipeline in batches (with the cursor unchanged), and the window's last batch moves the cursor
/// past the window. A crash replays at most one window, and dedup absorbs the replay.
/// </summary>
/// <remarks>
/// Zoom's message API needs a conversation (<c>to_channel</c> or <c>to_contact</c>). A user's conversations are
/// their channels (<c>GET /chat/users/{id}/channels</c>, every channel and group chat they belong to) and the
/// chat sessions of the period (<c>GET /chat/users/{id}/sessions</c>, which also names one-to-one contacts,
/// including people outside the account; the contacts API only serves the calling user, not the account's).
/// </remarks>
internal sealed class ZoomImport(ImportContext context, ZoomApiClient api, ZoomSettings settings, ILogger logger)
{
    internal const int ChatPageSize = 50;
    internal const int ListPageSize = 300;

    private readonly string _account = settings.AccountId!.Trim();
    private readonly List<SourceItem> _pending = [];
    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _meetings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ChatTarget>> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<SourceIdentity>> _members = new(StringComparer.Ordinal);
    private ZoomDirectory _directory = new([]);

    public async Task RunAsync(DateOnly first, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var users = await UsersAsync(cancellationToken);
        foreach (var window in ZoomWindow.Split(first, today, ZoomSource.MaxWindowDays))
        {
            if (settings.IncludeTeamChat)
            {
                foreach (var user in users)
                {
                    await ImportChatAsync(user, window, first, today, cancellationToken);
                }
            }
            if (settings.IncludeRecordings)
            {
                foreach (var user in users)
                {
                    await ImportRecordingsAsync(user, window, cancellationToken);
                }
            }
            var through = window.Last == today ? now : new DateTimeOffset(window.Last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            await FlushAsync(new ZoomCursor(through).ToJson(), cancellationToken);
        }
    }

    /// <summary>
    /// Every user of the account names people consistently (<see cref="ZoomDirectory"/>); the users collected are
    /// all of them, or those the settings list. A listed user Zoom does not know is reported on the run.
    /// </summary>
    private async Task<List<ZoomUser>> UsersAsync(CancellationToken cancellationToken)
    {
        var all = new List<ZoomUser>();
        await foreach (var user in api.ListAsync("users", ZoomApiClient.Query(("page_size", ListPageSize.ToString())), "users", cancellationToken))
        {
            if (Str(user, "id") is not { } id)
            {
                continue;
            }
            var full = string.Join(' ', new[] { Str(user, "first_name"), Str(user, "last_name") }.Where(n => n is not null));
            var name = Str(user, "display_name") ?? (full.Length > 0 ? full : null);
            all.Add(new ZoomUser(id, Str(user, "email"), name));
        }
        _directory = new ZoomDirectory(all);
        if (settings.Users is not { Count: > 0 } listed)
        {
            return all;
        }
        var collected = new List<ZoomUser>();
        foreach (var wanted in listed.Select(u => u.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (_directory.Find(wanted) is { } user)
            {
                collected.Add(user);
                continue;
            }
            logger.LogWarning("{Connector}: the Zoom user {User} is not an active user of the account", context.Connector.Name, wanted);
            context.Fail($"The Zoom user {wanted} (settings.users) is not an active user of the account: nothing was collected for them.",
                itemId: wanted, sourceUser: wanted);
        }
        return collected.DistinctBy(u => u.Id).ToList();
    }

    private async Task ImportChatAsync(ZoomUser user, ZoomWindow window, DateOnly first, DateOnly today, CancellationToken cancellationToken)
    {
        foreach (var target in await TargetsAsync(user, first, today, cancellationToken))
        {
            var members = target.IsChannel ? await MembersAsync(user, target.Id, cancellationToken) : null;
            var query = ZoomApiClient.Query(
                (target.IsChannel ? "to_channel" : "to_contact", target.Id),
                ("from", window.FromInstant),
                ("to", window.ToInstant),
                ("page_size", ChatPageSize.ToString()),
                ("include_deleted_and_edited_message", "true"));
            await foreach (var message in api.ListAsync($"chat/users/{Uri.EscapeDataString(user.Id)}/messages", query, "messages", cancellationToken))
            {
                var (item, problem) = ChatMessage(message, _account, user, target, members, _directory);
                if (item is null)
                {
                    context.FailedToParse(problem!, itemId: $"{target.Id}/{Str(message, "id") ?? "?"}", sourceFile: $"chat of {user.Email ?? user.Id}");
                    continue;
                }
                await AddAsync(item, cancellationToken);
            }
        }
    }

    /// <summary>The user's channels, and the conversations of their chat sessions in the run's period, once per run.</summary>
    private async Task<IReadOnlyList<ChatTarget>> TargetsAsync(ZoomUser user, DateOnly first, DateOnly today, CancellationToken cancellationToken)
    {
        if (_targets.TryGetValue(user.Id, out var known))
        {
            return known;
        }
        var targets = new Dictionary<string, ChatTarget>(StringComparer.OrdinalIgnoreCase);
        var path = $"chat/users/{Uri.EscapeDataString(user.Id)}";
        await foreach (var channel in api.ListAsync($"{path}/channels", ZoomApiClient.Query(("page_size", ChatPageSize.ToString())), "channels", cancellationToken))
        {
            if (Str(channel, "id") is { } id)
            {
                targets.TryAdd("channel:" + id, new ChatTarget(true, id, Str(channel, "name"), null));
            }
        }
        // Sessions are filtered by their last message: every window up to today finds a conversation with a message since `first`.
        foreach (var window in ZoomWindow.Split(first, today, ZoomSource.MaxWindowDays))
        {
            var query = ZoomApiClient.Query(("from", window.FromInstant), ("to", window.ToInstant), ("page_size", ChatPageSize.ToString()));
            await foreach (var session in api.ListAsync($"{path}/sessions", query, "sessions", cancellationToken))
            {
                if (Str(session, "channel_id") is { } channelId)
                {
                    targets.TryAdd("channel:" + channelId, new ChatTarget(true, channelId, Str(session, "name"), null));
                    continue;
                }
                var email = Str(session, "peer_contact_email");
                var userId = Str(session, "peer_contact_user_id");
                var memberId = Str(session, "peer_contact_member_id");
                if ((email ?? userId ?? memberId) is not { } contact)
                {
                    continue;
                }
                var peer = _directory.Person(userId, email, memberId, Str(session, "name"));
                if (peer.SourceId != user.Id)
                {
                    targets.TryAdd("contact:" + peer.SourceId, new ChatTarget(false, contact, Str(session, "name"), peer));
                }
            }
        }
        var list = targets.Values.ToList();
        _targets[user.Id] = list;
        return list;
    }

    /// <summary>A channel's members (every one of them gets a copy of its messages), once per channel and run.</summary>
    private async Task<IReadOnlyList<SourceIdentity>> MembersAsync(ZoomUser user, string channelId, CancellationToken cancellationToken)
    {
        if (_members.TryGetValue(channelId, out var known))
        {
            return known;
        }
        var members = new List<SourceIdentity>();
        try
        {
            var path = $"chat/users/{Uri.EscapeDataString(user.Id)}/channels/{Uri.EscapeDataString(channelId)}/members";
            await foreach (var member in api.ListAsync(path, ZoomApiClient.Query(("page_size", "100")), "members", cancellationToken))
            {
                var name = Str(member, "name")
                    ?? string.Join(' ', new[] { Str(member, "first_name"), Str(member, "last_name") }.Where(n => n is not null));
                members.Add(_directory.Person(Str(member, "id"), Str(member, "email"), Str(member, "member_id"), name));
            }
        }
        catch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            // A group chat without a member list: its messages go to the people reading it.
            logger.LogInformation("{Connector}: no member list for Zoom channel {Channel} ({Status})", context.Connector.Name, channelId, ex.StatusCode);
        }
        var distinct = members.DistinctBy(m => m.SourceId).ToList();
        _members[channelId] = distinct;
        return distinct;
    }

    private async Task ImportRecordingsAsync(ZoomUser user, ZoomWindow window, CancellationToken cancellationToken)
    {
        var query = ZoomApiClient.Query(("from", window.FromDate), ("to", window.ToDate), ("page_size", ListPageSize.ToString()));
        await foreach (var meeting in api.ListAsync($"users/{Uri.EscapeDataString(user.Id)}/recordings", query, "meetings", cancellationToken))
        {
            await ImportMeetingAsync(user, meeting, window, cancellationToken);
        }
    }

    /// <summary>
    /// A recorded meeting: one item with its recording files as attachment metadata (their content stays at Zoom,
    /// except the CHAT file), sent by the host to the participants; and one item per in-meeting chat message.
    /// </summary>
    private async Task ImportMeetingAsync(ZoomUser user, JsonElement meeting, ZoomWindow window, CancellationToken cancellationToken)
    {
        if (Str(meeting, "uuid") is not { } uuid)
        {
            context.FailedToParse("A Zoom recorded meeting has no uuid.", itemId: $"{Str(meeting, "id") ?? "?"}",
                sourceFile: $"recordings of {user.Email ?? user.Id} {window}");
            return;
        }
        if (!_meetings.Add(uuid))
        {
            return;
        }
        var files = Array(meeting, "recording_files").ToList();
        var startedAt = Time(Str(meeting, "start_time")) ?? files.Select(f => Time(Str(f, "recording_start"))).Min();
        if (startedAt is null)
        {
            context.FailedToParse($"The Zoom recorded meeting {uuid} has no start time.", itemId: uuid, sourceFile: $"recordings of {user.Email ?? user.Id} {window}");
            return;
        }
        var topic = Str(meeting, "topic");
        var host = _directory.Person(Str(meeting, "host_id"), Str(meeting, "host_email"), null, null);
        var participants = await ParticipantsAsync(uuid, cancellationToken);

        var attachments = new List<ItemAttachment>();
        var problems = new List<string>();
        var chats = new List<(JsonElement File, byte[] Content)>();
        foreach (var file in files)
        {
            var type = Str(file, "file_type");
            var name = RecordingFileName(file);
            var size = Int64(file, "file_size") ?? 0;
            if (!string.Equals(type, "CHAT", StringComparison.OrdinalIgnoreCase))
            {
                attachments.Add(new ItemAttachment(name, size, ContentType(type), ""));
                continue;
            }
            var download = size > settings.MaxFileBytes
                ? new ZoomDownload(null, $"it is {size:N0} bytes, larger than the {settings.MaxFileBytes:N0} bytes allowed (maxFileBytes)")
                : Str(file, "download_url") is { } url
                    ? await api.DownloadAsync(url, settings.MaxFileBytes, cancellationToken)
                    : new ZoomDownload(null, $"Zoom gave no download URL (status {Str(file, "status") ?? "unknown"})");
            if (download.Content is not { } content)
            {
                attachments.Add(new ItemAttachment(name, size, ContentType(type), ""));
                problems.Add($"The in-meeting chat file {name} was not downloaded: {download.Problem}.");
                continue;
            }
            attachments.Add(new ItemAttachment(name, content.Length, ContentType(type), Convert.ToHexStringLower(SHA256.HashData(content))));
            chats.Add((file, content));
        }

        var everyone = participants.Select(p => p.Person).Prepend(host).DistinctBy(p => p.SourceId).ToList();
        var fileList = files.Select(f => $"{Str(f, "file_type") ?? "file"} {RecordingFileName(f)} ({Int64(f, "file_size") ?? 0:N0} bytes, {Str(f, "status") ?? "unknown"})");
        await AddAsync(new SourceItem
        {
            SourceAccount = _account,
            SourceId = "recording:" + uuid,
            ConversationId = uuid,
            ThreadId = uuid,
            Sender = host,
            Recipients = everyone.Where(p => p.SourceId != host.SourceId).ToList(),
            SentAt = startedAt.Value,
            SentAtText = Str(meeting, "start_time"),
            Subject = topic,
            BodyText = $"Zoom meeting \"{topic}\" (meeting {Str(meeting, "id") ?? "?"}, {Int64(meeting, "duration") ?? 0} min) was recorded to the cloud. " +
                $"Recording files: {string.Join("; ", fileList)}.",
            Attachments = attachments,
            Raw = Encoding.UTF8.GetBytes(meeting.GetRawText()),
            // The files (and their processing status) name the version: a file added or finished later is a new version.
            VersionMarker = "files:" + Hash(string.Join('|', files
                .Select(f => $"{Str(f, "id")}:{Str(f, "file_type")}:{Int64(f, "file_size")}:{Str(f, "status")}")
                .Order(StringComparer.Ordinal))),
            PartialReason = problems.Count == 0 ? null : string.Join(" ", problems),
        }, cancellationToken);

        foreach (var (file, content) in chats)
        {
            await ImportMeetingChatAsync(uuid, topic, file, content, startedAt.Value, host, participants, everyone, cancellationToken);
        }
    }

    /// <summary>
    /// The CHAT file's messages: each in the meeting's conversation, at the recording's start plus the message's
    /// offset, from the participant of that name, to everyone in the meeting (or to the addressee of a private message).
    /// </summary>
    private async Task ImportMeetingChatAsync(string uuid, string? topic, JsonElement file, byte[] content, DateTimeOffset meetingStart,
        SourceIdentity host, IReadOnlyList<(SourceIdentity Person, string? Name)> participants, IReadOnlyList<SourceIdentity> everyone,
        CancellationToken cancellationToken)
    {
        var start = Time(Str(file, "recording_start")) ?? meetingStart;
        var (messages, problems) = ZoomMeetingChat.Parse(Encoding.UTF8.GetString(content));
        foreach (var (line, reason) in problems)
        {
            context.FailedToParse(reason, itemId: $"{uuid} chat line {line}", sourceFile: RecordingFileName(file), rowNumber: line);
        }
        // People are named in the file by display name only: match them to the participants (and host) of that name.
        var byName = participants.Where(p => p.Name is not null).Select(p => (Name: p.Name!, p.Person))
            .Append((Name: host.DisplayName ?? "", Person: host))
            .Where(p => p.Name.Length > 0)
            .GroupBy(p => p.Name.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(p => p.Person.SourceId).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Person, StringComparer.OrdinalIgnoreCase);
        SourceIdentity Named(string name) => byName.GetValueOrDefault(name.Trim()) ?? new SourceIdentity("name:" + name.Trim(), name.Trim());

        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var sender = Named(message.Sender);
            var recipients = message.To is { } to
                ? [Named(to)]
                : everyone.Where(p => p.SourceId != sender.SourceId).ToList();
            // The same line twice in one meeting is two messages: the occurrence keeps their ids apart and stable.
            var identity = $"{message.OffsetText}\u001f{message.Sender}\u001f{message.To}\u001f{message.Text}";
            var occurrence = occurrences[identity] = occurrences.GetValueOrDefault(identity) + 1;
            await AddAsync(new SourceItem
            {
                SourceAccount = _account,
                SourceId = $"meetingchat:{uuid}:{Hash($"{identity}\u001f{occurrence}")[..24]}",
                ConversationId = uuid,
                ThreadId = uuid,
                ParentId = "recording:" + uuid,
                Sender = sender,
                Recipients = recipients,
                SentAt = start + message.Offset,
                SentAtText = message.OffsetText,
                Subject = topic,
                BodyText = message.Text,
                Raw = Encoding.UTF8.GetBytes(message.Raw),
                VersionMarker = OriginalMarker,
            }, cancellationToken);
        }
    }

    /// <summary>
    /// The meeting's participants (<c>GET /past_meetings/{uuid}/participants</c>, the UUID double-encoded when Zoom
    /// asks for it). Zoom keeps them for some plans and periods only: without them the host alone receives the items.
    /// </summary>
    private async Task<List<(SourceIdentity Person, string? Name)>> ParticipantsAsync(string uuid, CancellationToken cancellationToken)
    {
        var participants = new List<(SourceIdentity, string?)>();
        try
        {
            var path = $"past_meetings/{ZoomApiClient.MeetingUuidSegment(uuid)}/participants";
            await foreach (var p in api.ListAsync(path, ZoomApiClient.Query(("page_size", ListPageSize.ToString())), "participants", cancellationToken))
            {
                var name = Str(p, "name");
                participants.Add((_directory.Person(Str(p, "user_id") ?? Str(p, "id"), Str(p, "user_email"), null, name), name));
            }
        }
        catch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            logger.LogInformation("{Connector}: Zoom has no participant list for a recorded meeting ({Status})", context.Connector.Name, ex.StatusCode);
        }
        return participants;
    }

    /// <summary>Queues an item once per run (a message read from several participants' sides is the same item).</summary>
    private async Task AddAsync(SourceItem item, CancellationToken cancellationToken)
    {
        if (!_emitted.Add($"{item.SourceId}\u001f{item.Kind}\u001f{item.VersionMarker}"))
        {
            return;
        }
        _pending.Add(item);
        if (_pending.Count >= ZoomSource.BatchSize)
        {
            // Mid-window: the cursor stays where it is until the whole window is in.
            await FlushAsync(context.Cursor, cancellationToken);
        }
    }

    private async Task FlushAsync(string? cursor, CancellationToken cancellationToken)
    {
        if (_pending.Count == 0 && (cursor is null || cursor == context.Cursor))
        {
            return;
        }
        var batch = _pending.ToList();
        _pending.Clear();
        await context.ImportBatchAsync(batch, cursor, cancellationToken);
    }
}
