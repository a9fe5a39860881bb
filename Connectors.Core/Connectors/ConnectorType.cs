namespace Connectors.Connectors;

/// <summary>One kind of source. <see cref="Available"/> turns true when its import works end to end.</summary>
public sealed record ConnectorTypeInfo(string Id, string DisplayName, string Category, string FolderName, bool Available, string Description);

public static class ConnectorTypes
{
    public const string BloombergMessage = "BloombergMessage";
    public const string InstantBloomberg = "InstantBloomberg";
    public const string IceChat = "IceChat";
    public const string RefinitivMessenger = "RefinitivMessenger";
    public const string Slack = "Slack";
    public const string Zoom = "Zoom";
    public const string CiscoJabber = "CiscoJabber";
    public const string Twitter = "Twitter";
    public const string LinkedIn = "LinkedIn";
    public const string Facebook = "Facebook";
    public const string Hr = "HR";
    public const string PhysicalBadging = "PhysicalBadging";

    public static readonly IReadOnlyList<ConnectorTypeInfo> All =
    [
        new(BloombergMessage, "Bloomberg Message", "Financial", "BloombergMessage", true, "Bloomberg Mail files collected from the Bloomberg SFTP site."),
        new(InstantBloomberg, "Instant Bloomberg", "Financial", "InstantBloomberg", true, "Instant Bloomberg chat files collected from the Bloomberg SFTP site."),
        new(IceChat, "ICE Chat", "Financial", "ICE Chat", true, "ICE Chat files collected from the ICE SFTP site."),
        new(RefinitivMessenger, "Refinitiv Messenger", "Financial", "Refinitiv Messenger", true, "LSEG/Refinitiv Messenger files with summary control totals."),
        new(Slack, "Slack", "Communication", "Slack", true, "Slack workspace export ZIPs, pushed through the API or collected from SFTP."),
        new(Zoom, "Zoom", "Communication", "Zoom", true, "Zoom team chat, meeting chat and recording metadata."),
        new(CiscoJabber, "Cisco Jabber", "Communication", "Cisco Jabber", true, "Cisco IM and Presence external compliance database."),
        new(Twitter, "X (Twitter)", "Social Media", "Twitter", true, "A company account's posts, mentions and edit history."),
        new(LinkedIn, "LinkedIn", "Social Media", "LinkedIn", true, "A company page's posts and comments."),
        new(Facebook, "Facebook", "Social Media", "Facebook", true, "A business page's feed with comments and replies."),
        new(Hr, "HR", "HR", "HR", true, "HR events pushed as CSV files: signals for insider-risk management."),
        new(PhysicalBadging, "Physical badging", "Physical", "PhysicalBadging", true, "Badge access events pushed as JSON: signals for insider-risk management."),
    ];

    /// <summary>Finds a type by its canonical id, ignoring case so "hr" and "HR" both work.</summary>
    public static ConnectorTypeInfo? Find(string? id) =>
        All.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.OrdinalIgnoreCase));
}
