using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>An attachment a Bloomberg file lists, and why it is missing when it was not delivered.</summary>
internal sealed record ResolvedAttachment(ItemAttachment Attachment, string FileId, string? Missing);

/// <summary>
/// Resolves an <c>Attachment</c> element (<c>FileName</c>, <c>FileID</c>, <c>FileSize</c>) against the files
/// delivered beside the XML (the <c>.att.tar.gz</c>), by Bloomberg's file id. An attachment that was not
/// delivered is kept without content (empty SHA-256) and makes the item partially imported.
/// </summary>
internal static class BloombergAttachments
{
    public static ResolvedAttachment Resolve(XElement attachment, FileParseContext context)
    {
        var fileId = XmlFields.Text(attachment, "FileID", "FileId", "AttachmentID") ?? XmlFields.Attribute(attachment, "FileID") ?? "";
        var name = XmlFields.Text(attachment, "FileName", "AttachmentName", "Name")
            ?? XmlFields.Attribute(attachment, "FileName")
            ?? (fileId.Length > 0 ? fileId : "attachment");
        var declaredSize = XmlFields.Number(attachment, "FileSize", "Size") ?? 0;
        if (fileId.Length > 0 && context.Attachments is { } delivered && delivered.TryGetValue(fileId, out var file))
        {
            return new ResolvedAttachment(new ItemAttachment(name, file.Size, null, file.Sha256), fileId, null);
        }
        return new ResolvedAttachment(new ItemAttachment(name, declaredSize, null, ""), fileId,
            $"Attachment {name} ({fileId}) was not delivered");
    }
}
