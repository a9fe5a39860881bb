using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Connectors.Sources.Social.LinkedIn;

/// <summary>Settings of a LinkedIn connector: the company page (organization) whose posts and comments are archived.</summary>
public sealed record LinkedInSettings(
    [property: Description("The organization's numeric id (from urn:li:organization:{id}).")] string? OrganizationId = null,
    [property: Description("The mailbox (a directory account) that keeps every item of this connector.")] string? StorageMailbox = null,
    [property: Description("The LinkedIn-Version to call, YYYYMM. Default 202411; LinkedIn sunsets versions after about a year.")] string Version = LinkedInSettings.DefaultVersion,
    [property: Description("LinkedIn REST base URL. Default https://api.linkedin.com/rest/.")] string? BaseUrl = LinkedInSettings.DefaultBaseUrl,
    [property: Description("Posts per page, 1 to 100. Default 50.")] int PageSize = 50,
    [property: Description("Posts modified this many days ago are read again on every run, with their comments. Default 7.")] int CommentWindowDays = 7) : ISocialSettings
{
    public const string DefaultBaseUrl = "https://api.linkedin.com/rest/";
    public const string DefaultVersion = "202411";

    [JsonIgnore]
    public string OrganizationUrn => $"urn:li:organization:{OrganizationId}";

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        SocialValidation.Common(this, errors);
        SocialValidation.Id(errors, "settings.organizationId", OrganizationId, char.IsAsciiDigit, "the organization's numeric id");
        if (Version is not { Length: 6 } || !Version.All(char.IsAsciiDigit))
        {
            errors["settings.version"] = ["Give the LinkedIn API version as YYYYMM, e.g. 202411."];
        }
        if (PageSize is < 1 or > 100)
        {
            errors["settings.pageSize"] = ["Give 1 to 100 posts per page."];
        }
        if (CommentWindowDays is < 0 or > 365)
        {
            errors["settings.commentWindowDays"] = ["Give 0 to 365 days."];
        }
        return errors;
    }
}

/// <summary>Credentials of a LinkedIn connector: a member access token with r_organization_social for the page.</summary>
public sealed record LinkedInCredentials(string? AccessToken = null);
