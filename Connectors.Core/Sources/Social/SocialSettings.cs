using System.Net.Mail;
using System.Text.Json;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Imports;
using Connectors.Sources.Http;

namespace Connectors.Sources.Social;

/// <summary>
/// Settings every social connector has: the API's base URL and the one storage mailbox all of the account's items
/// go to (as the reference product does). The storage mailbox is copied into the connector's mapping settings
/// (<c>MappingSettings.StorageMailbox</c>) when the connector is created; the pipeline places items by it.
/// </summary>
public interface ISocialSettings : IConnectorSettings
{
    string? BaseUrl { get; }

    string? StorageMailbox { get; }
}

/// <summary>Checks shared by the social connectors' settings.</summary>
public static class SocialValidation
{
    public static void Common(ISocialSettings settings, Dictionary<string, string[]> errors)
    {
        if (SourceHttp.CheckBaseUrl(settings.BaseUrl) is { } problem)
        {
            errors["settings.baseUrl"] = [problem];
        }
        if (string.IsNullOrWhiteSpace(settings.StorageMailbox))
        {
            errors["settings.storageMailbox"] = ["Give the mailbox (an account in the directory) that keeps this account's posts."];
        }
        else if (!IsEmail(settings.StorageMailbox))
        {
            errors["settings.storageMailbox"] = ["Give an email address."];
        }
    }

    public static bool IsEmail(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length <= 320 && MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && trimmed.Contains('@');
    }

    /// <summary>A required id made of the given characters only (so it can go into a URL path as it is).</summary>
    public static void Id(Dictionary<string, string[]> errors, string field, string? value, Func<char, bool> allowed, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"Give {what}."];
        }
        else if (value.Length > 100 || !value.All(allowed))
        {
            errors[field] = [$"{char.ToUpperInvariant(what[0])}{what[1..]} has unexpected characters."];
        }
    }

    /// <summary>The base URL with a trailing slash, so relative paths resolve below it.</summary>
    public static Uri BaseUri(string? baseUrl, string fallback)
    {
        var text = string.IsNullOrWhiteSpace(baseUrl) ? fallback : baseUrl.Trim();
        if (SourceHttp.CheckBaseUrl(text) is { } problem)
        {
            throw new InvalidOperationException($"The base URL is not usable: {problem}");
        }
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}

/// <summary>Reads a social connector's decrypted credentials (a JSON object, web naming).</summary>
public static class SocialCredentials
{
    public static T? Read<T>(Connector connector, CredentialProtector protector) where T : class
    {
        if (connector.ProtectedCredentials is not { } protectedText)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(protector.Unprotect(protectedText), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            // Never the content: it is a secret.
            throw new SourceAuthenticationException("The connector's credentials are not a JSON object of the expected shape; enter them again.");
        }
    }

    /// <summary>A missing token is a configuration the administrator must fix: the connector needs re-authentication.</summary>
    public static string Require(string? token, string vendor, string field) =>
        string.IsNullOrWhiteSpace(token)
            ? throw new SourceAuthenticationException($"{vendor}: no {field} is configured in the connector's credentials.")
            : token.Trim();
}
