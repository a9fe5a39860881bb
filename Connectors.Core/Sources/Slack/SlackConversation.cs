namespace Connectors.Sources.Slack;

/// <summary>Which list of the export a conversation came from.</summary>
public enum SlackConversationKind
{
    /// <summary><c>channels.json</c>; the folder is named by the channel's name.</summary>
    PublicChannel,
    /// <summary><c>groups.json</c>; the folder is named by the channel's name.</summary>
    PrivateChannel,
    /// <summary><c>dms.json</c>; the folder is named by the conversation id.</summary>
    DirectMessage,
    /// <summary><c>mpims.json</c>; the folder is named by the generated name (<c>mpdm-a--b--c-1</c>).</summary>
    GroupDirectMessage,
}

/// <summary>A conversation of the export: its id (the message key's scope), its name and its members.</summary>
public sealed record SlackConversation(string Id, string? Name, SlackConversationKind Kind, IReadOnlyList<string> Members)
{
    /// <summary>The folder of the export that holds its day files.</summary>
    public string Folder => Kind == SlackConversationKind.DirectMessage || string.IsNullOrEmpty(Name) ? Id : Name;

    /// <summary>The subject its messages carry: <c>Slack #name</c>, <c>Slack direct message</c>…</summary>
    public string Subject => Kind switch
    {
        SlackConversationKind.DirectMessage => "Slack direct message",
        SlackConversationKind.GroupDirectMessage => "Slack group direct message",
        _ => $"Slack #{Name ?? Id}",
    };

    /// <summary>A conversation known only by its folder (no channel list in the export, or not listed in it).</summary>
    public static SlackConversation Unlisted(string folder) => new(folder, folder, SlackConversationKind.PublicChannel, []);
}
