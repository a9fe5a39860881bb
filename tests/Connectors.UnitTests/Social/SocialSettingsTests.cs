using Connectors.Connectors;
using Connectors.Sources.Social.X;

namespace Connectors.Tests.Social;

public sealed class XSnowflakeTests
{
    [Fact]
    public void ASnowflakeIdCarriesTheTimeThePostWasMade() =>
        Assert.Equal(DateTimeOffset.Parse("2022-10-03T17:57:01.281Z"), XSnowflake.TimeOf("1576994746135764992"));

    [Fact]
    public void TheSinceIdOfALookbackIsTheFirstIdMadeThatLongBeforeTheNewestPost()
    {
        var since = XSnowflake.SinceId("1576994746135764992", TimeSpan.FromDays(3));

        Assert.Equal(DateTimeOffset.Parse("2022-09-30T17:57:01.281Z"), XSnowflake.TimeOf(since));
        Assert.True(long.Parse(since) < 1576994746135764992);
    }

    [Fact]
    public void WithoutALookbackOrForAnOldIdTheSinceIdIsTheNewestId()
    {
        Assert.Equal("1576994746135764992", XSnowflake.SinceId("1576994746135764992", TimeSpan.Zero));
        Assert.Equal("12345", XSnowflake.SinceId("12345", TimeSpan.FromDays(3)));
    }

    [Fact]
    public void TheNewerOfTwoIdsIsComparedAsANumber()
    {
        Assert.Equal("1000", XSnowflake.Newer("999", "1000"));
        Assert.Equal("5", XSnowflake.Newer(null, "5"));
    }
}

public sealed class SocialSettingsTests
{
    [Fact]
    public void AnXConnectorNeedsANumericAccountIdAndAStorageMailbox()
    {
        var errors = new XSettings(AccountId: "@contoso", StorageMailbox: "not-an-address", PageSize: 500).Validate(ConnectorTypes.Twitter);

        Assert.Equal(["settings.accountId", "settings.pageSize", "settings.storageMailbox"], errors.Keys.Order());
    }

    [Fact]
    public void AnXConnectorWithItsAccountAndMailboxIsValidAndDefaultsToTheRealApi()
    {
        var settings = new XSettings(AccountId: "783214", StorageMailbox: "social@contoso.com");

        Assert.Empty(settings.Validate(ConnectorTypes.Twitter));
        Assert.Equal("https://api.x.com/2/", settings.BaseUrl);
        Assert.True(settings.IncludeMentions);
    }

    [Fact]
    public void ABaseUrlWithCredentialsInItIsRefused()
    {
        var errors = new XSettings(AccountId: "1", StorageMailbox: "a@b.com", BaseUrl: "https://user:pw@api.x.com/2/").Validate(ConnectorTypes.Twitter);

        Assert.Equal(["settings.baseUrl"], errors.Keys);
    }
}

public sealed class SocialSettingsJsonTests
{
    /// <summary>The options ConnectorSettings stores and reads settings with: web names, unknown members refused.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Strict = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static T RoundTrip<T>(T settings) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(System.Text.Json.JsonSerializer.Serialize(settings, Strict), Strict)!;

    [Fact]
    public void SettingsSurviveBeingStoredAndReadWithTheStrictOptions()
    {
        var x = new XSettings(AccountId: "1", StorageMailbox: "social@contoso.com", IncludeMentions: false);
        var facebook = new Sources.Social.Facebook.FacebookSettings(PageId: "2", StorageMailbox: "social@contoso.com");
        var linkedIn = new Sources.Social.LinkedIn.LinkedInSettings(OrganizationId: "3", StorageMailbox: "social@contoso.com");

        Assert.Equal(x, RoundTrip(x));
        Assert.Equal(facebook, RoundTrip(facebook));
        Assert.Equal(linkedIn, RoundTrip(linkedIn));
        Assert.Equal(new XSettings(AccountId: "9"), System.Text.Json.JsonSerializer.Deserialize<XSettings>("""{"accountId":"9"}""", Strict));
    }
}

public sealed class XComplianceSettingsTests
{
    [Fact]
    public void ComplianceChecksAreOnDailyOverThirtyDaysByDefaultAndOutOfRangeValuesAreRefused()
    {
        var defaults = new XSettings(AccountId: "1", StorageMailbox: "social@contoso.com");
        var wrong = defaults with { ComplianceEveryDays = 0, ComplianceWindowDays = 400, ComplianceWaitSeconds = 601 };

        Assert.Equal((true, 1, 30, 120), (defaults.CheckCompliance, defaults.ComplianceEveryDays, defaults.ComplianceWindowDays, defaults.ComplianceWaitSeconds));
        Assert.Empty(defaults.Validate(ConnectorTypes.Twitter));
        Assert.Equal(["settings.complianceEveryDays", "settings.complianceWaitSeconds", "settings.complianceWindowDays"],
            wrong.Validate(ConnectorTypes.Twitter).Keys.Order());
    }

    [Fact]
    public void AStreamPositionWrittenIntoTheCursorKeepsTheComplianceJobBesideIt()
    {
        var at = DateTimeOffset.Parse("2026-11-25T09:00:00Z");
        var cursor = global::Connectors.Sources.Social.SocialCursor.Parse(null)
            .WithValue(XCompliance.CursorKey, new XComplianceState(at, "42", "https://storage.example/d?sig=1", at));

        var read = global::Connectors.Sources.Social.SocialCursor.Parse(
            cursor.With("tweets", new global::Connectors.Sources.Social.StreamCursor("100")).ToJson());

        Assert.Equal("100", read["tweets"]?.NewestId);
        Assert.Equal(new XComplianceState(at, "42", "https://storage.example/d?sig=1", at), read.Get<XComplianceState>(XCompliance.CursorKey));
        Assert.Null(read.WithValue<XComplianceState>(XCompliance.CursorKey, null).Get<XComplianceState>(XCompliance.CursorKey));
    }
}
