using System.Text;
using System.Xml.Linq;
using Connectors.Archive;
using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Reads Bloomberg disclaimer files (<c>[id].dscl.[YYMMDD].xml</c>): one item per <c>Disclaimer</c>, with the
/// id <c>dscl:{reference}</c> (see <see cref="SourceIdFor"/>) so a message's <c>DisclaimerReference</c> can be
/// resolved to it later. Disclaimers carry no time: the item is dated at midnight UTC of the file's date.
/// </summary>
public sealed class BloombergDisclaimerParser(long maxElementBytes = BloombergLimits.MaxElementBytes) : IVendorFileParser
{
    /// <summary>The identity disclaimer items are attributed to.</summary>
    public static readonly SourceIdentity Publisher = new("bloomberg:disclaimers", "Bloomberg disclaimers");

    /// <summary>The item id of the disclaimer a message's <c>DisclaimerReference</c> names.</summary>
    public static string SourceIdFor(string disclaimerReference) => $"dscl:{disclaimerReference.Trim()}";

    public bool Accepts(string fileName) => BloombergFileNames.IsDisclaimer(fileName);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BloombergFileReader.Read(content, maxElementBytes, cursor => Entries(cursor, context, cancellationToken));
    }

    private IEnumerable<ParsedEntry> Entries(BloombergXmlCursor cursor, FileParseContext context, CancellationToken cancellationToken)
    {
        if (BloombergFileReader.CheckRoot(cursor, "FileDump", "a Bloomberg disclaimer FileDump") is { } wrongRoot)
        {
            yield return wrongRoot;
            yield break;
        }
        if (BloombergFileNames.DeliveryDate(context.FileName) is not { } date)
        {
            yield return new ParseFailure($"The disclaimer file name {context.FileName} carries no date.", StopsFile: true);
            yield break;
        }
        var sentAt = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        foreach (var name in cursor.ChildElements(cancellationToken))
        {
            if (BloombergFileReader.Is(name, "Disclaimer"))
            {
                var read = cursor.ReadElement();
                yield return read.Element is { } disclaimer
                    ? Map(disclaimer, sentAt, context)
                    : new ParseFailure($"A Bloomberg Disclaimer is larger than {maxElementBytes} bytes and was not read.");
            }
        }
        cursor.ReadToEnd();
    }

    private static ParsedEntry Map(XElement disclaimer, DateTimeOffset sentAt, FileParseContext context)
    {
        var reference = XmlFields.Text(disclaimer, "DisclaimerReference", "Reference", "DisclaimerID", "ID")
            ?? XmlFields.Attribute(disclaimer, "DisclaimerReference") ?? XmlFields.Attribute(disclaimer, "Reference");
        if (reference is null)
        {
            return new ParseFailure("A Bloomberg Disclaimer has no DisclaimerReference.");
        }
        return new ParsedItem(new SourceItem
        {
            SourceAccount = context.SourceAccount,
            SourceId = SourceIdFor(reference),
            Sender = Publisher,
            SentAt = sentAt,
            Subject = $"Bloomberg disclaimer {reference}",
            BodyText = XmlFields.Content(disclaimer, "DisclaimerText", "Text", "Content")
                ?? string.Concat(disclaimer.Nodes().OfType<XText>().Select(t => t.Value)),
            Raw = Encoding.UTF8.GetBytes(disclaimer.ToString(SaveOptions.DisableFormatting)),
            EvidenceFileId = context.EvidenceFileId,
        });
    }
}
