using System.Globalization;
using System.IO.Compression;
using Connectors.Sources.Files;

namespace Connectors.Sources.Slack;

/// <summary>
/// Reads a Slack workspace export ZIP (<c>*.zip</c>): <c>users.json</c> and the channel lists first, then every
/// day file <c>&lt;folder&gt;/YYYY-MM-DD.json</c> in name order, one item per message (see
/// <see cref="SlackMessageReader"/>). Nothing is extracted to disk; entries are streamed.
/// </summary>
/// <remarks>
/// The ZIP is untrusted. An entry path that is absolute or climbs out with <c>..</c> (either separator) refuses the
/// whole archive before anything is read. Too many entries, or a stream that cannot seek, or bytes that are not a
/// ZIP, refuse it too. An entry that is read (metadata or day file) and is larger than <c>maxEntryBytes</c> or
/// claims more than 200:1 compression above 1 MB is refused on its own (a failure naming it); the others go on.
/// Header sizes are claims: every read counts the bytes really produced and stops at the same limits.
/// Entries the parser does not read (integration logs, canvases, uploads) are not judged.
/// </remarks>
public sealed class SlackExportParser(
    long maxEntryBytes = SlackLimits.MaxEntryBytes,
    int maxEntries = SlackLimits.MaxEntries,
    long maxMessageBytes = SlackLimits.MaxMessageBytes) : IVendorFileParser
{
    private static readonly (string Name, SlackConversationKind Kind)[] ConversationLists =
    [
        ("channels.json", SlackConversationKind.PublicChannel),
        ("groups.json", SlackConversationKind.PrivateChannel),
        ("dms.json", SlackConversationKind.DirectMessage),
        ("mpims.json", SlackConversationKind.GroupDirectMessage),
    ];

    private static readonly string[] UserLists = ["users.json", "org_users.json"];

    public bool Accepts(string fileName) => fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return Entries(content, context, cancellationToken);
    }

    /// <summary>Whether an entry is a day file: exactly <c>folder/YYYY-MM-DD.json</c>.</summary>
    public static bool IsDayFile(string fullName, out string folder)
    {
        folder = "";
        var slash = fullName.IndexOf('/');
        if (slash <= 0 || fullName.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }
        var file = fullName[(slash + 1)..];
        if (file.Length != 15 || !file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || !DateOnly.TryParseExact(file[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }
        folder = fullName[..slash];
        return true;
    }

    private IEnumerable<ParsedEntry> Entries(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        if (!content.CanSeek)
        {
            yield return Stop($"Slack export {context.FileName} was given as a stream that cannot seek; a ZIP needs random access.", context);
            yield break;
        }
        var (archive, entries, refusal) = Open(content, context);
        if (refusal is not null)
        {
            yield return refusal;
            yield break;
        }
        using (archive)
        {
            var directory = new SlackDirectory();
            var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in entries!)
            {
                byName.TryAdd(entry.FullName, entry);
            }

            foreach (var name in UserLists)
            {
                if (byName.TryGetValue(name, out var entry))
                {
                    foreach (var failure in ReadMetadata(entry, (stream, ct) => directory.LoadUsers(stream, name, ct, maxMessageBytes), cancellationToken))
                    {
                        yield return failure;
                    }
                }
            }
            foreach (var (name, kind) in ConversationLists)
            {
                if (byName.TryGetValue(name, out var entry))
                {
                    foreach (var failure in ReadMetadata(entry, (stream, ct) => directory.LoadConversations(stream, kind, name, ct, maxMessageBytes), cancellationToken))
                    {
                        yield return failure;
                    }
                }
            }

            var dayFiles = entries!
                .Select(e => (Entry: e, IsDay: IsDayFile(e.FullName, out var folder), Folder: folder))
                .Where(d => d.IsDay)
                .OrderBy(d => d.Entry.FullName, StringComparer.Ordinal);
            foreach (var (entry, _, folder) in dayFiles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (stream, failure) = OpenEntry(entry);
                if (failure is not null)
                {
                    yield return failure;
                    continue;
                }
                using (stream)
                {
                    var conversation = directory.ForFolder(folder) ?? SlackConversation.Unlisted(folder);
                    foreach (var parsed in SlackMessageReader.Read(stream!, context, cancellationToken, conversation, directory, entry.FullName, maxMessageBytes))
                    {
                        yield return parsed;
                    }
                }
            }
        }
    }

    /// <summary>Opens the archive and checks every entry's path and the entry count before anything is read.</summary>
    private (ZipArchive? Archive, IReadOnlyList<ZipArchiveEntry>? Entries, ParseFailure? Refusal) Open(Stream content, FileParseContext context)
    {
        ZipArchive? archive = null;
        try
        {
            archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var entries = archive.Entries;
            if (entries.Count > maxEntries)
            {
                archive.Dispose();
                return (null, null, Stop($"Slack export {context.FileName} lists {entries.Count} entries, more than the {maxEntries} allowed; it was not read.", context));
            }
            if (entries.FirstOrDefault(e => ZipEntryGuard.Escapes(e.FullName)) is { } escaping)
            {
                archive.Dispose();
                return (null, null, new ParseFailure(
                    $"Slack export {context.FileName} refused: entry {escaping.FullName} escapes the archive (absolute path or '..').",
                    escaping.FullName, StopsFile: true));
            }
            return (archive, entries, null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            archive?.Dispose();
            return (null, null, Stop($"Slack export {context.FileName} is not a readable ZIP: {e.Message}", context));
        }
    }

    /// <summary>An entry's content through a counting stream, or the failure that refuses it.</summary>
    private (Stream? Stream, ParseFailure? Failure) OpenEntry(ZipArchiveEntry entry)
    {
        if (ZipEntryGuard.Refusal(entry, maxEntryBytes) is { } refusal)
        {
            return (null, new ParseFailure(refusal, entry.FullName));
        }
        try
        {
            return (new LimitedReadStream(entry.Open(), ZipEntryGuard.Allowance(entry, maxEntryBytes), entry.FullName), null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            return (null, new ParseFailure($"ZIP entry {entry.FullName} could not be opened: {e.Message}", entry.FullName));
        }
    }

    private IEnumerable<ParseFailure> ReadMetadata(ZipArchiveEntry entry, Func<Stream, CancellationToken, IReadOnlyList<ParseFailure>> load,
        CancellationToken cancellationToken)
    {
        var (stream, failure) = OpenEntry(entry);
        if (failure is not null)
        {
            return [failure];
        }
        using (stream)
        {
            return load(stream!, cancellationToken);
        }
    }

    private static ParseFailure Stop(string reason, FileParseContext context) => new(reason, context.FileName, StopsFile: true);
}
