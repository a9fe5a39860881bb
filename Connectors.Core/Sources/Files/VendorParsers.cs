using Connectors.Connectors;
using Connectors.Sources.Bloomberg;
using Connectors.Sources.Ice;
using Connectors.Sources.Refinitiv;
using Connectors.Sources.Slack;

namespace Connectors.Sources.Files;

/// <summary>The parsers of each vendor file connector, tried in order against a file's decrypted name.</summary>
public static class VendorParsers
{
    public static readonly IReadOnlyList<string> Types =
        [ConnectorTypes.InstantBloomberg, ConnectorTypes.BloombergMessage, ConnectorTypes.IceChat, ConnectorTypes.RefinitivMessenger,
            ConnectorTypes.Slack];

    /// <summary>Vendors that delete delivered files after a while (their connectors track the days left).</summary>
    public static readonly IReadOnlyList<string> DeletingSources =
        [ConnectorTypes.InstantBloomberg, ConnectorTypes.BloombergMessage, ConnectorTypes.IceChat, ConnectorTypes.RefinitivMessenger];

    /// <summary>Connectors whose files may also be pushed through the API (e.g. a Slack workspace export).</summary>
    public static bool AcceptsUploads(string type) => ConnectorTypes.Find(type)?.Id is ConnectorTypes.Slack or ConnectorTypes.Twitter;

    public static IReadOnlyList<IVendorFileParser> For(string type, VendorFileSettings? settings) => ConnectorTypes.Find(type)?.Id switch
    {
        ConnectorTypes.InstantBloomberg => [new InstantBloombergParser()],
        // Disclaimer files are the texts messages refer to, not communications of anyone: kept as evidence (every
        // delivered file is) and found through the message's DisclaimerReference, not placed in mailboxes.
        ConnectorTypes.BloombergMessage => [new BloombergMessageParser(), new EvidenceOnlyParser(BloombergFileNames.IsDisclaimer)],
        ConnectorTypes.IceChat => [new IceChatParser(settings?.IceSchema ?? IceChatSchema.Default)],
        ConnectorTypes.RefinitivMessenger => [new RefinitivMessagesParser(), new RefinitivSummaryParser()],
        ConnectorTypes.Slack => [new SlackExportParser()],
        // X data pushed as twarc-style JSONL (pages, tweets and compliance delete records) beside the API.
        ConnectorTypes.Twitter => [new Social.X.XJsonlReader()],
        _ => throw new ArgumentException($"{type} is not a vendor file connector.", nameof(type)),
    };
}

/// <summary>Accepts reference files that are kept as evidence but hold no items.</summary>
public sealed class EvidenceOnlyParser(Func<string, bool> accepts) : IVendorFileParser
{
    public bool Accepts(string fileName) => accepts(fileName);

    public IEnumerable<ParsedEntry> Parse(Stream content, FileParseContext context, CancellationToken cancellationToken) => [];
}
