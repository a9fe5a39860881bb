using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectors.Archive;

namespace Connectors.Benchmarks;

/// <summary>
/// The archive row and content blob of one item, computed the way ArchiveWriter does (SHA-256 of the raw
/// bytes, version hash, JSON of the people), so the raw COPY and EF Core paths pay the same client-side work.
/// </summary>
internal static class ArchiveRows
{
    public static (ArchivedItem Item, ContentBlob Blob) From(SourceItem item, string sourceType, Guid connectorId, long runId, DateTimeOffset now)
    {
        var raw = item.Raw.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        var version = item.VersionMarker is null
            ? sha
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{item.Kind}:{item.VersionMarker}")));
        var row = new ArchivedItem
        {
            ItemKey = ArchivedItem.KeyOf(sourceType, item.SourceAccount, item.SourceId),
            VersionHash = version,
            VersionKind = item.Kind,
            ConnectorId = connectorId,
            RunId = runId,
            SourceType = sourceType,
            ItemClass = ArchivedItem.ItemClassOf(sourceType),
            SourceAccount = item.SourceAccount,
            SourceId = item.SourceId,
            ConversationId = item.ConversationId,
            ThreadId = item.ThreadId,
            ParentId = item.ParentId,
            Sender = JsonSerializer.Serialize(item.Sender, JsonSerializerOptions.Web),
            Recipients = JsonSerializer.Serialize(item.Recipients, JsonSerializerOptions.Web),
            SentAt = item.SentAt.ToUniversalTime(),
            SentAtText = item.SentAtText,
            IngestedAt = now,
            Subject = item.Subject,
            BodyText = item.BodyText,
            BodyHtml = item.BodyHtml,
            Attachments = JsonSerializer.Serialize(item.Attachments, JsonSerializerOptions.Web),
            RawSha256 = sha,
            RawSize = raw.Length,
            PartialReason = item.PartialReason,
        };
        return (row, new ContentBlob { Sha256 = sha, Size = raw.Length, Content = raw });
    }
}
