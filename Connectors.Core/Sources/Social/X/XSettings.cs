using System.ComponentModel;

namespace Connectors.Sources.Social.X;

/// <summary>Settings of an X (Twitter) connector: the company account whose posts (and mentions) are archived.</summary>
public sealed record XSettings(
    [property: Description("The X account's numeric user id (not the @handle).")] string? AccountId = null,
    [property: Description("The mailbox (a directory account) that keeps every item of this connector.")] string? StorageMailbox = null,
    [property: Description("Also archive posts by others that mention the account. Default true.")] bool IncludeMentions = true,
    [property: Description("X API v2 base URL. Default https://api.x.com/2/.")] string? BaseUrl = XSettings.DefaultBaseUrl,
    [property: Description("Posts per page, 5 to 100. Default 100.")] int PageSize = 100,
    [property: Description("Ask X (batch compliance jobs) which archived posts were deleted or changed since. Default true.")] bool CheckCompliance = true,
    [property: Description("Days between compliance checks, 1 to 90. Default 1.")] int ComplianceEveryDays = 1,
    [property: Description("Posts archived in this many last days are checked, 1 to 365. Default 30.")] int ComplianceWindowDays = 30,
    [property: Description("Seconds a run waits for a compliance job to complete (0 to 600) before leaving it to the next run. Default 120.")]
    int ComplianceWaitSeconds = 120) : ISocialSettings
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
        if (ComplianceEveryDays is < 1 or > 90)
        {
            errors["settings.complianceEveryDays"] = ["Check compliance every 1 to 90 days."];
        }
        if (ComplianceWindowDays is < 1 or > 365)
        {
            errors["settings.complianceWindowDays"] = ["Check the posts of the last 1 to 365 days."];
        }
        if (ComplianceWaitSeconds is < 0 or > 600)
        {
            errors["settings.complianceWaitSeconds"] = ["Wait 0 to 600 seconds for a compliance job."];
        }
        return errors;
    }
}

/// <summary>Credentials of an X connector: an app-only bearer token (OAuth 2.0) with read access.</summary>
public sealed record XCredentials(string? BearerToken = null);
