using System.ComponentModel;

namespace Connectors.Sources.Social.X;

/// <summary>Settings of an X (Twitter) connector: the company account whose posts (and mentions) are archived.</summary>
public sealed record XSettings(
    [property: Description("The X account's numeric user id (not the @handle).")] string? AccountId = null,
    [property: Description("The mailbox (a directory account) that keeps every item of this connector.")] string? StorageMailbox = null,
    [property: Description("Also archive posts by others that mention the account. Default true.")] bool IncludeMentions = true,
    [property: Description("X API v2 base URL. Default https://api.x.com/2/.")] string? BaseUrl = XSettings.DefaultBaseUrl,
    [property: Description("Posts per page, 5 to 100. Default 100.")] int PageSize = 100) : ISocialSettings
{
    public const string DefaultBaseUrl = "https://api.x.com/2/";

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        SocialValidation.Common(this, errors);
        SocialValidation.Id(errors, "settings.accountId", AccountId, char.IsAsciiDigit, "the account's numeric user id");
        if (PageSize is < 5 or > 100)
        {
            errors["settings.pageSize"] = ["X returns 5 to 100 posts per page."];
        }
        return errors;
    }
}

/// <summary>Credentials of an X connector: an app-only bearer token (OAuth 2.0) with read access.</summary>
public sealed record XCredentials(string? BearerToken = null);
