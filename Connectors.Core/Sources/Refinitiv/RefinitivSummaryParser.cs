using System.Globalization;
using Connectors.Sources.Files;
using L = Connectors.Sources.Refinitiv.RefinitivLayout;

namespace Connectors.Sources.Refinitiv;

/// <summary>
/// Reads a Refinitiv Messenger <c>summary.xml</c> (e.g. <c>20261124_summary.xml</c>) into one
/// <see cref="ControlTotal"/> named <c>messages</c>: the number of messages the day's <c>messages.xml</c>
/// files hold, which the orchestrator reconciles against the entries they yielded. The count is the root
/// <c>Summary</c> element's <c>MessageCount</c> (attribute or child, see <see cref="RefinitivLayout"/>); other
/// totals (events, attachments) and the date are not reconciled. A summary without a readable count yields one
/// failure that stops the file, so a missing control total is never mistaken for "nothing to check".
/// </summary>
public sealed class RefinitivSummaryParser : IVendorFileParser
{
    /// <summary>The <see cref="ControlTotal.What"/> this parser yields.</summary>
    public const string MessagesTotal = "messages";

    private static readonly XmlRecordLayout Layout = new(
        RecordName: L.SummaryRoot,
        RootNames: [L.SummaryRoot],
        ContextNames: [],
        IdNames: []);

    /// <inheritdoc />
    public bool Accepts(string fileName) =>
        Path.GetFileName(fileName).Contains("summary.xml", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in XmlRecordReader.Read(content, Layout, cancellationToken))
        {
            switch (entry)
            {
                case XmlRecord record:
                    var text = record.Element.Field(L.MessageCount);
                    yield return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                        ? new ControlTotal(MessagesTotal, count)
                        : new ParseFailure(
                            text is null
                                ? $"The summary has no <{L.MessageCount}>."
                                : $"The summary's <{L.MessageCount}> {ChatXml.Quote(text)} is not a count.",
                            Line: record.Line, StopsFile: true);
                    break;
                case XmlRecordTooLarge large:
                    yield return new ParseFailure(
                        $"The summary is larger than {ChatXml.Size(Layout.MaxRecordCharacters)} and was not read.", Line: large.Line, StopsFile: true);
                    break;
                case XmlFileUnreadable unreadable:
                    yield return new ParseFailure(unreadable.Reason, Line: unreadable.Line, StopsFile: true);
                    break;
            }
        }
    }
}
