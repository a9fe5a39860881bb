using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Reads Bloomberg Message (MSG) files (<c>[id].msg.[YYMMDD].xml</c> and split parts, not the
/// <c>.msg.att.</c> archives): root <c>FileDump</c>, one item per <c>Message</c>. Streams: one message is held
/// at a time.
/// </summary>
public sealed class BloombergMessageParser(long maxElementBytes = BloombergLimits.MaxElementBytes) : IVendorFileParser
{
    public bool Accepts(string fileName) => BloombergFileNames.IsMessage(fileName);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BloombergFileReader.Read(content, maxElementBytes, cursor => Entries(cursor, context, cancellationToken));
    }

    private IEnumerable<ParsedEntry> Entries(BloombergXmlCursor cursor, FileParseContext context, CancellationToken cancellationToken)
    {
        if (BloombergFileReader.CheckRoot(cursor, "FileDump", "a Bloomberg Message FileDump") is { } wrongRoot)
        {
            yield return wrongRoot;
            yield break;
        }
        foreach (var name in cursor.ChildElements(cancellationToken))
        {
            if (BloombergFileReader.Is(name, "Message"))
            {
                var read = cursor.ReadElement();
                yield return read.Element is { } message
                    ? BloombergMessageMapper.Map(message, context)
                    : new ParseFailure($"A Bloomberg Message is larger than {maxElementBytes} bytes and was not read.");
            }
        }
        cursor.ReadToEnd();
    }
}
