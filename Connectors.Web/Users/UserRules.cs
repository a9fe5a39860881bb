using System.Text.RegularExpressions;

namespace Connectors.Web.Users;

/// <summary>What a local account's name and password must look like, shared by sign-in, the pages and bootstrap.</summary>
public static partial class UserRules
{
    public const int MinimumPasswordLength = 12;
    public const int MaximumPasswordLength = 256;
    public const int MaximumNameLength = 200;
    public const string UserNamePattern = "^[a-z0-9._@-]+$";
    public const string UserNameHint = "Letters, digits, dots, dashes, underscores and @; stored in lower case.";
    public const string UserNameError = "A user name may only contain letters, digits, dots, dashes, underscores and @.";

    /// <summary>User names are stored lower-case, so sign-in ignores case.</summary>
    public static string Normalize(string? userName) => (userName ?? "").Trim().ToLowerInvariant();

    public static bool IsValidUserName(string userName) =>
        userName.Length is > 0 and <= MaximumNameLength && UserNameRegex().IsMatch(userName);

    [GeneratedRegex(UserNamePattern)]
    private static partial Regex UserNameRegex();
}
