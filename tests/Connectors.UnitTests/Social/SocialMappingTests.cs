using System.Net;
using System.Text.Json;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Imports;
using Connectors.Sources.Files;
using Connectors.Sources.Social;
using Connectors.Sources.Social.Facebook;
using Connectors.Sources.Social.LinkedIn;

namespace Connectors.Tests.Social;

public sealed class FacebookFeedTests
{
    private static SourceItem Item(ParsedEntry entry) => Assert.IsType<ParsedItem>(entry).Item;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void GraphTimesWithAnOffsetWithoutAColonAreRead() =>
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.Zero), FacebookFeed.Time("2024-05-01T10:30:00+0200"));

    [Fact]
    public void APostWithALaterUpdatedTimeIsAnEditAndItsVersionIsItsContentNotTheTime()
    {
        const string post = """{"id":"1_2","message":"Hello","created_time":"2024-05-01T10:00:00+0000","updated_time":"{0}","from":{"id":"1","name":"Contoso"}}""";

        var original = Item(FacebookFeed.Post(Json(post.Replace("{0}", "2024-05-01T10:00:00+0000")), "1"));
        var commentedOn = Item(FacebookFeed.Post(Json(post.Replace("{0}", "2024-05-02T09:00:00+0000")), "1"));
        var edited = Item(FacebookFeed.Post(Json(post.Replace("{0}", "2024-05-03T09:00:00+0000").Replace("Hello", "Hello again")), "1"));

        Assert.Equal(VersionKind.Original, original.Kind);
        Assert.Equal(VersionKind.Edit, edited.Kind);
        // A later updated_time alone (Facebook moves it for new comments) keeps the content's marker.
        Assert.Equal(original.VersionMarker, commentedOn.VersionMarker);
        Assert.NotEqual(commentedOn.VersionMarker, edited.VersionMarker);
        Assert.Equal("Facebook post by Contoso (edited)", edited.Subject);
    }

    [Fact]
    public void APhotoStaysOnFacebookSoThePostIsPartialAndNestedCommentsAreNotInItsRawBytes()
    {
        var item = Item(FacebookFeed.Post(Json("""
            {"id":"1_3","created_time":"2024-05-01T10:00:00+0000","story":"Contoso added a photo",
             "attachments":{"data":[{"media_type":"photo","url":"https://www.facebook.com/photo/9"}]},
             "comments":{"data":[{"id":"c1","message":"hi","created_time":"2024-05-01T10:01:00+0000"}]}}
            """), "1"));

        Assert.StartsWith("Media not downloaded", item.PartialReason, StringComparison.Ordinal);
        Assert.StartsWith("Contoso added a photo\n\n[photo] https://www.facebook.com/photo/9", item.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("comments", System.Text.Encoding.UTF8.GetString(item.Raw.Span), StringComparison.Ordinal);
        Assert.Equal(FacebookFeed.UnknownPerson, item.Sender);
    }

    [Fact]
    public void AReplyPointsAtTheCommentItAnswersAndAPostWithoutATimeFails()
    {
        var reply = Item(FacebookFeed.Comment(Json("""{"id":"r1","message":"thanks","created_time":"2024-05-01T10:02:00+0000","from":{"id":"1","name":"Contoso"}}"""),
            "1", "1_3", "c1"));
        var failure = Assert.IsType<ParseFailure>(FacebookFeed.Post(Json("""{"id":"1_4","message":"x"}"""), "1"));

        Assert.Equal(("c1", "1_3", "Facebook reply by Contoso"), (reply.ParentId, reply.ConversationId, reply.Subject));
        Assert.Equal("1_4", failure.ItemId);
    }

    [Theory]
    [InlineData(190, typeof(SourceAuthenticationException))]
    [InlineData(102, typeof(SourceAuthenticationException))]
    [InlineData(200, typeof(SourceAuthenticationException))]
    [InlineData(4, typeof(SourceRateLimitedException))]
    [InlineData(613, typeof(SourceRateLimitedException))]
    [InlineData(100, null)]
    public void GraphErrorCodesMapToReauthenticationThrottlingOrAPlainFailure(int code, Type? expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        var mapped = FacebookSource.MapError(response, $$$"""{"error":{"message":"m","type":"OAuthException","code":{{{code}}},"fbtrace_id":"x"}}""");

        Assert.Equal(expected, mapped?.GetType());
    }
}

public sealed class LinkedInPostsTests
{
    private static SourceItem Item(ParsedEntry entry) => Assert.IsType<ParsedItem>(entry).Item;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void APostModifiedAfterItWasCreatedIsAnEditAndAnImageMakesItPartial()
    {
        var item = Item(LinkedInPosts.Post(Json("""
            {"id":"urn:li:share:1","author":"urn:li:organization:5","commentary":"Launch day","lifecycleState":"PUBLISHED",
             "createdAt":1700000000000,"publishedAt":1700000000000,"lastModifiedAt":1700000500000,
             "content":{"media":{"id":"urn:li:image:C4D","altText":"x"}}}
            """), "5"));

        Assert.Equal((VersionKind.Edit, "modified:1700000500000"), (item.Kind, item.VersionMarker));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), item.SentAt);
        Assert.Equal("Media not downloaded (they stay on LinkedIn): urn:li:image:C4D", item.PartialReason);
        Assert.Equal("urn:li:organization:5", item.Sender.SourceId);
    }

    [Fact]
    public void ACommentWithoutACommentUrnIsKeyedByItsObjectAndId()
    {
        var item = Item(LinkedInPosts.Comment(Json("""
            {"id":"66","object":"urn:li:activity:9","actor":"urn:li:person:p","message":{"text":"hi"},"created":{"time":1700000000000}}
            """), "5", "urn:li:share:1", "urn:li:share:1"));

        Assert.Equal("urn:li:comment:(urn:li:activity:9,66)", item.SourceId);
        Assert.Equal(("urn:li:share:1", VersionKind.Original), (item.ParentId, item.Kind));
    }

    [Fact]
    public void RepliesAreFetchedOnlyForCommentsThatSayTheyHaveSome()
    {
        Assert.True(LinkedInPosts.MayHaveReplies(Json("""{"commentsSummary":{"totalFirstLevelComments":2}}""")));
        Assert.False(LinkedInPosts.MayHaveReplies(Json("""{"commentsSummary":{"totalFirstLevelComments":0}}""")));
        Assert.False(LinkedInPosts.MayHaveReplies(Json("""{"id":"1"}""")));
    }

    [Fact]
    public void LinkedInAndFacebookSettingsNeedTheirIdsAVersionAndAStorageMailbox()
    {
        var linkedIn = new LinkedInSettings(OrganizationId: "urn:li:organization:5", StorageMailbox: "social@contoso.com", Version: "2024-11").Validate(ConnectorTypes.LinkedIn);
        var facebook = new FacebookSettings(PageId: "", StorageMailbox: null).Validate(ConnectorTypes.Facebook);

        Assert.Equal(["settings.organizationId", "settings.version"], linkedIn.Keys.Order());
        Assert.Equal(["settings.pageId", "settings.storageMailbox"], facebook.Keys.Order());
        Assert.Empty(new LinkedInSettings(OrganizationId: "5", StorageMailbox: "social@contoso.com").Validate(ConnectorTypes.LinkedIn));
        Assert.Empty(new FacebookSettings(PageId: "1001", StorageMailbox: "social@contoso.com").Validate(ConnectorTypes.Facebook));
    }
}

public sealed class SocialApiTests
{
    private static SocialApi Api(string baseUrl = "https://graph.facebook.com/v21.0/") =>
        new(new HttpClient(), new Uri(baseUrl), "Facebook", _ => { }, TimeSpan.FromMinutes(2), TimeProvider.System);

    [Fact]
    public void ANextLinkOnTheSameHostIsFollowedWithoutTheAccessToken()
    {
        var next = Api().FollowNext("https://graph.facebook.com/v21.0/1/feed?limit=25&access_token=SECRET&after=QVFI", "access_token");

        Assert.Equal("https://graph.facebook.com/v21.0/1/feed?limit=25&after=QVFI", next.ToString());
    }

    [Theory]
    [InlineData("https://graph.attacker.example/v21.0/1/feed")]
    [InlineData("http://graph.facebook.com/v21.0/1/feed")]
    [InlineData("https://graph.facebook.com:8443/v21.0/1/feed")]
    [InlineData("/v21.0/1/feed")]
    public void ANextLinkElsewhereIsRefused(string link)
    {
        var error = Assert.Throws<HttpRequestException>(() => Api().FollowNext(link, "access_token"));

        Assert.Contains("paging stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void XsRateLimitResetHeaderGivesTheWait()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.Add("x-rate-limit-reset", DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var wait = Api("https://api.x.com/2/").RateLimitWait(response);

        Assert.InRange(wait!.Value.TotalSeconds, 29, 32);
    }

    [Fact]
    public void RetryAfterWinsOverTheVendorsResetHeader()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        response.Headers.Add("x-rate-limit-reset", "9999999999");

        Assert.Equal(TimeSpan.FromSeconds(1), Api().RateLimitWait(response));
    }
}
