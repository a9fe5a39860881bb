using Connectors.Sources.Files;

namespace Connectors.Sources.Bloomberg;

/// <summary>
/// Reads Instant Bloomberg chat files (<c>[id].ib19.[YYMMDD].xml</c> and split parts): root <c>FileDump</c>,
/// <c>Conversation</c> elements, and in each the events in order. Every event (message, attachment, entry,
/// exit, invite, history, system message) becomes its own item, linked to its conversation by the RoomID,
/// with the participants present at that moment as recipients. Streams: one event is held at a time.
/// </summary>
public sealed class InstantBloombergParser(long maxElementBytes = BloombergLimits.MaxElementBytes) : IVendorFileParser
{
    public bool Accepts(string fileName) => BloombergFileNames.IsInstantBloomberg(fileName);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BloombergFileReader.Read(content, maxElementBytes, cursor => Entries(cursor, context, cancellationToken));
    }

    private IEnumerable<ParsedEntry> Entries(BloombergXmlCursor cursor, FileParseContext context, CancellationToken cancellationToken)
    {
        if (BloombergFileReader.CheckRoot(cursor, "FileDump", "an Instant Bloomberg FileDump") is { } wrongRoot)
        {
            yield return wrongRoot;
            yield break;
        }
        foreach (var name in cursor.ChildElements(cancellationToken))
        {
            if (BloombergFileReader.Is(name, "Conversation"))
            {
                foreach (var entry in Conversation(cursor, context, cancellationToken))
                {
                    yield return entry;
                }
            }
        }
        cursor.ReadToEnd();
    }

    private IEnumerable<ParsedEntry> Conversation(BloombergXmlCursor cursor, FileParseContext context, CancellationToken cancellationToken)
    {
        var conversation = new ConversationState();
        foreach (var name in cursor.ChildElements(cancellationToken))
        {
            if (InstantBloombergEvents.TryGetKind(name, out var kind))
            {
                var read = cursor.ReadElement();
                yield return read.Element is { } element
                    ? InstantBloombergEventMapper.Map(kind, element, conversation, context)
                    : TooLarge(read, conversation);
            }
            else if (ConversationState.IsHeader(name))
            {
                conversation.SetHeader(name, cursor.ReadElement().Element?.Value);
            }
        }
    }

    private ParseFailure TooLarge(ElementRead read, ConversationState conversation) =>
        new($"An Instant Bloomberg <{read.Name}> in room {conversation.RoomId ?? "(unknown)"} is larger than {maxElementBytes} bytes and was not read.");
}
