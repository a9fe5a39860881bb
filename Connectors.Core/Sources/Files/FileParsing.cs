using Connectors.Archive;

namespace Connectors.Sources.Files;

/// <summary>What a vendor file parser yields, in file order.</summary>
public abstract record ParsedEntry;

/// <summary>One item read from the file.</summary>
public sealed record ParsedItem(SourceItem Item) : ParsedEntry;

/// <summary>
/// Something in the file that could not become an item: counted as one item from the source that failed
/// to parse. When <see cref="StopsFile"/> is true the rest of the file could not be read (malformed or
/// hostile XML); the items before it stand.
/// </summary>
public sealed record ParseFailure(string Reason, string? ItemId = null, int? Line = null, bool StopsFile = false) : ParsedEntry;

/// <summary>A control total the vendor delivered (a summary or audit file) for the files of the same delivery.</summary>
public sealed record ControlTotal(string What, long Expected) : ParsedEntry;

/// <summary>What a parser knows about the file it reads.</summary>
public sealed record FileParseContext(
    /// <summary>The source account that scopes ids (the Bloomberg customer id, the ICE company…).</summary>
    string SourceAccount,
    /// <summary>The file's name after decryption (e.g. <c>f123456.ib19.261124.xml</c>).</summary>
    string FileName,
    /// <summary>The delivered file this item came from, kept as evidence.</summary>
    Guid? EvidenceFileId = null,
    /// <summary>Attachments delivered beside the file (e.g. Bloomberg's <c>.att.tar.gz</c>), by the vendor's file id.</summary>
    IReadOnlyDictionary<string, DeliveredAttachment>? Attachments = null);

/// <summary>An attachment's content already stored by SHA-256.</summary>
public sealed record DeliveredAttachment(string FileId, string Name, long Size, string Sha256);

/// <summary>Reads one kind of vendor file. Parsers stream: a 2 GB file is never held in memory.</summary>
public interface IVendorFileParser
{
    /// <summary>Whether this parser reads <paramref name="fileName"/> (the name after decryption).</summary>
    bool Accepts(string fileName);

    /// <summary>
    /// Parses <paramref name="content"/>. Never throws for bad content: a bad record is a
    /// <see cref="ParseFailure"/>, a malformed or hostile document ends with one that stops the file.
    /// </summary>
    IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken);
}
