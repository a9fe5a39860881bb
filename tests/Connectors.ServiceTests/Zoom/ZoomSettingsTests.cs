using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Connectors;
using Connectors.Sources.Zoom;

namespace Connectors.Tests.Zoom;

/// <summary>A Zoom connector's settings as an administrator writes them.</summary>
public sealed class ZoomSettingsTests
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    [Fact]
    public void MissingOrMalformedSettingsAreRefusedFieldByField()
    {
        var settings = JsonSerializer.Deserialize<ZoomSettings>(
            """{ "apiBaseUrl": "ftp://api.zoom.us/v2/", "oAuthUrl": "https://user:pw@zoom.us/oauth/token", "users": [" "], "maxFileBytes": 10 }""", Strict)!;

        var errors = settings.Validate(ConnectorTypes.Zoom);

        Assert.Equal(["settings.accountId", "settings.apiBaseUrl", "settings.maxFileBytes", "settings.oAuthUrl", "settings.users"], errors.Keys.Order());
    }

    [Fact]
    public void DefaultsPointAtZoomAndSurviveARoundTrip()
    {
        var settings = JsonSerializer.Deserialize<ZoomSettings>("""{ "accountId": "acct" }""", Strict)!;

        Assert.Empty(settings.Validate(ConnectorTypes.Zoom));
        Assert.Equal(new Uri("https://api.zoom.us/v2/"), settings.ApiBase);
        Assert.Equal("https://zoom.us/oauth/token", settings.OAuthUrl);
        Assert.True(settings.IncludeRecordings);
        var again = JsonSerializer.Deserialize<ZoomSettings>(JsonSerializer.Serialize(settings, Strict), Strict);
        Assert.Equal(settings.AccountId, again!.AccountId);
    }

    [Fact]
    public void CredentialsWithoutASecretNeedAnAdministratorAndNeverPrintTheSecret()
    {
        Assert.Throws<Imports.SourceAuthenticationException>(() => ZoomCredentials.Read("""{ "clientId": "abc" }"""));
        var credentials = ZoomCredentials.Read("""{ "clientId": "abc", "clientSecret": "hush" }""");
        Assert.DoesNotContain("hush", credentials.ToString());
    }
}
