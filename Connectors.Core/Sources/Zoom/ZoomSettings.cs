using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Connectors;
using Connectors.Imports;
using Connectors.Sources.Http;

namespace Connectors.Sources.Zoom;

/// <summary>
/// Settings of a Zoom connector: a Server-to-Server OAuth app of the Zoom account (its client id and secret are
/// the connector's credentials, <see cref="ZoomCredentials"/>), whose users' team chat, cloud recordings and
/// in-meeting chat are collected.
/// </summary>
public sealed record ZoomSettings(
    [property: Description("The Zoom account id of the Server-to-Server OAuth app. It also scopes every item's key.")] string? AccountId = null,
    [property: Description("Zoom API base URL. Default https://api.zoom.us/v2/.")] string ApiBaseUrl = ZoomSettings.DefaultApiBaseUrl,
    [property: Description("Zoom OAuth token URL. Default https://zoom.us/oauth/token.")] string OAuthUrl = ZoomSettings.DefaultOAuthUrl,
    [property: Description("Zoom users (ids or email addresses) to collect. Default: every active user of the account.")] IReadOnlyList<string>? Users = null,
    [property: Description("Collect team chat (channels and one-to-one chats). Default true.")] bool IncludeTeamChat = true,
    [property: Description("Collect cloud recordings (file metadata) and in-meeting chat. Default true.")] bool IncludeRecordings = true,
    [property: Description("The first day the first run collects (UTC). Default 30 days before the first run.")] DateOnly? StartDate = null,
    [property: Description("Largest file downloaded (the in-meeting chat file of a recording), in bytes; a larger one makes its item partially imported. Default 50 MB.")] long MaxFileBytes = ZoomSettings.DefaultMaxFileBytes)
    : IConnectorSettings
{
    public const string DefaultApiBaseUrl = "https://api.zoom.us/v2/";
    public const string DefaultOAuthUrl = "https://zoom.us/oauth/token";
    public const long DefaultMaxFileBytes = 50L * 1024 * 1024;
    /// <summary>How many days a first run reaches back when no <see cref="StartDate"/> is set.</summary>
    public const int DefaultInitialDays = 30;

    /// <summary>The API base with a trailing slash, so relative paths append to it.</summary>
    [JsonIgnore]
    public Uri ApiBase => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/");

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(AccountId))
        {
            errors["settings.accountId"] = ["The Zoom account id of the Server-to-Server OAuth app is required."];
        }
        if (SourceHttp.CheckBaseUrl(ApiBaseUrl) is { } api)
        {
            errors["settings.apiBaseUrl"] = [api];
        }
        if (SourceHttp.CheckBaseUrl(OAuthUrl) is { } oauth)
        {
            errors["settings.oAuthUrl"] = [oauth];
        }
        if (Users is not null && Users.Any(string.IsNullOrWhiteSpace))
        {
            errors["settings.users"] = ["A user (id or email address) cannot be empty; leave the list out to collect every user."];
        }
        if (!IncludeTeamChat && !IncludeRecordings)
        {
            errors["settings"] = ["Collect team chat, recordings or both."];
        }
        if (StartDate is { } start && start > DateOnly.FromDateTime(DateTime.UtcNow))
        {
            errors["settings.startDate"] = ["The start date cannot be in the future."];
        }
        if (MaxFileBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors["settings.maxFileBytes"] = ["Between 1 KB and 1 GB."];
        }
        return errors;
    }
}

/// <summary>The secrets of a Zoom connector (the Server-to-Server OAuth app's client id and secret), stored encrypted.</summary>
public sealed record ZoomCredentials(string? ClientId = null, string? ClientSecret = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors["credentials.clientId"] = ["The client id of the Server-to-Server OAuth app is required."];
        }
        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            errors["credentials.clientSecret"] = ["The client secret of the Server-to-Server OAuth app is required."];
        }
        return errors;
    }

    /// <summary>Reads the decrypted credentials; missing ones need an administrator, as rejected ones do.</summary>
    public static ZoomCredentials Read(string? json)
    {
        ZoomCredentials? credentials = null;
        try
        {
            credentials = json is null ? null : JsonSerializer.Deserialize<ZoomCredentials>(json, Json);
        }
        catch (JsonException)
        {
            // Reported below without the content.
        }
        if (credentials is null || credentials.Validate().Count > 0)
        {
            throw new SourceAuthenticationException("The Zoom connector needs credentials: the clientId and clientSecret of a Server-to-Server OAuth app.");
        }
        return credentials;
    }

    // The secret never appears in logs or exception messages, even through the record's generated ToString.
    public override string ToString() => $"ZoomCredentials {{ ClientId = {ClientId}, ClientSecret = *** }}";
}
