namespace Connectors.Governance.Dlp;

/// <summary>
/// One piece of an item to scan, such as its subject, body or the extracted text of one attachment. Keywords only
/// support matches in the same section.
/// </summary>
/// <param name="Location">Where the text came from: "subject", "body" or "attachment:&lt;name&gt;".</param>
/// <param name="Text">The text to scan.</param>
public sealed record DlpSection(string Location, string Text)
{
    /// <summary>The location name used for an item's subject.</summary>
    public const string SubjectLocation = "subject";

    /// <summary>The location name used for an item's body.</summary>
    public const string BodyLocation = "body";

    /// <summary>The prefix of the location name used for an attachment.</summary>
    public const string AttachmentPrefix = "attachment:";

    /// <summary>A section holding an item's subject.</summary>
    public static DlpSection Subject(string text) => new(SubjectLocation, text);

    /// <summary>A section holding an item's body.</summary>
    public static DlpSection Body(string text) => new(BodyLocation, text);

    /// <summary>A section holding the extracted text of the named attachment.</summary>
    public static DlpSection Attachment(string name, string text) => new(AttachmentPrefix + name, text);
}
