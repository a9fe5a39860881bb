using System.ComponentModel;
using System.Text.Json.Serialization;
using Connectors.Sources.Http;

namespace Connectors.Sources.Slack.Api;

/// <summary>
/// How a <c>Slack</c> connector reads the workspace through the Slack Web API (beside export ZIPs). The token is a
/// credential (<c>credentials.apiToken</c>), never a setting.
/// </summary>
public sealed record SlackApiSettings(
    [property: Description("The Slack Web API base URL. Default https://slack.com/api/.")] string BaseUrl = SlackApiSettings.DefaultBaseUrl,
    [property: Description("Conversation types to read: public_channel, private_channel, mpim, im. Default all four.")] IReadOnlyList<string>? ConversationTypes = null,
    [property: Description("Download shared files with the token and keep their content. Default true.")] bool DownloadFiles = true,
    [property: Description("Largest file downloaded, in bytes; a larger one makes its message partially imported. Default 100 MB.")] long MaxFileBytes = SlackApiSettings.DefaultMaxFileBytes)
{
    public const string DefaultBaseUrl = "https://slack.com/api/";
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Every conversation type <c>conversations.list</c> knows.</summary>
    public static readonly IReadOnlyList<string> AllConversationTypes = ["public_channel", "private_channel", "mpim", "im"];

    /// <summary>The types read: <see cref="ConversationTypes"/> when given, else all four.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveConversationTypes =>
        ConversationTypes is { Count: > 0 } types ? types.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToArray() : AllConversationTypes;

    /// <summary>The base URL with a trailing slash, so method names resolve beneath it.</summary>
    [JsonIgnore]
    public Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/", UriKind.Absolute);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (SourceHttp.CheckBaseUrl(BaseUrl) is { } problem)
        {
            errors["settings.slackApi.baseUrl"] = [problem];
        }
        if (ConversationTypes is not null)
        {
            var unknown = ConversationTypes.Where(t => !AllConversationTypes.Contains(t?.Trim() ?? "", StringComparer.Ordinal)).ToList();
            if (ConversationTypes.Count == 0 || unknown.Count > 0)
            {
                errors["settings.slackApi.conversationTypes"] =
                    [$"Give one or more of {string.Join(", ", AllConversationTypes)}; leave it out to read all four."];
            }
        }
        if (MaxFileBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors["settings.slackApi.maxFileBytes"] = ["Between 1 KB and 1 GB."];
        }
        return errors;
    }
}
