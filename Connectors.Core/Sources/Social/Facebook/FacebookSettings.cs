using System.ComponentModel;

namespace Connectors.Sources.Social.Facebook;

/// <summary>Settings of a Facebook connector: the business page whose feed, comments and replies are archived.</summary>
public sealed record FacebookSettings(
    [property: Description("The page's numeric id.")] string? PageId = null,
    [property: Description("The mailbox (a directory account) that keeps every item of this connector.")] string? StorageMailbox = null,
    [property: Description("Graph API base URL with its version. Default https://graph.facebook.com/v21.0/.")] string? BaseUrl = FacebookSettings.DefaultBaseUrl,
    [property: Description("Posts per page, 1 to 100. Default 25.")] int PageSize = 25,
    [property: Description("Posts this many days old are read again on every run, so new comments and edits on them are caught. Default 7.")] int CommentWindowDays = 7) : ISocialSettings
{
    public const string DefaultBaseUrl = "https://graph.facebook.com/v21.0/";

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        SocialValidation.Common(this, errors);
        SocialValidation.Id(errors, "settings.pageId", PageId, char.IsAsciiDigit, "the page's numeric id");
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

/// <summary>Credentials of a Facebook connector: a page access token with the pages_read_engagement permission.</summary>
public sealed record FacebookCredentials(string? PageAccessToken = null);
