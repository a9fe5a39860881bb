using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Sources.Social.Facebook;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.Social;

/// <summary>A Facebook connector against a fake Graph API: the page feed with comments and replies, edits, an expired token.</summary>
[Collection(ServersCollection.Name)]
public sealed class FacebookImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string PageId = "1001";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds());

    private SocialHarness _harness = null!;
    private FakeFacebook Facebook => _harness.Apis.Facebook;

    public async Task InitializeAsync() => _harness = await SocialHarness.StartAsync(servers, "social_fb");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<Guid> AddConnectorAsync()
    {
        var settings = new FacebookSettings(PageId: PageId, StorageMailbox: SocialHarness.StorageMailbox,
            BaseUrl: _harness.Apis.BaseAddress + "/v21.0/", PageSize: 2, CommentWindowDays: 0);
        SocialHarness.AssertValid(settings, ConnectorTypes.Facebook);
        return _harness.AddConnectorAsync(ConnectorTypes.Facebook, settings, new FacebookCredentials("fb-page-token"), lookback: TimeSpan.FromHours(1));
    }

    /// <summary>Three posts; the second has three comments (one more than a comment page) and a reply.</summary>
    private void Seed()
    {
        Facebook.AddPost($"{PageId}_1", T0, "Our first post");
        var second = Facebook.AddPost($"{PageId}_2", T0.AddHours(1), "Our second post");
        var first = new FakeFacebook.FbComment("2_c1", "Nice!", T0.AddHours(1).AddMinutes(5), "9001", "Pat Customer");
        first.Replies.Add(new FakeFacebook.FbComment("2_r1", "Thanks Pat", T0.AddHours(1).AddMinutes(6), PageId, "Contoso"));
        second.Comments.Add(first);
        second.Comments.Add(new FakeFacebook.FbComment("2_c2", "When does it ship?", T0.AddHours(1).AddMinutes(7), "9002", "Sam Buyer"));
        second.Comments.Add(new FakeFacebook.FbComment("2_c3", "Following", T0.AddHours(1).AddMinutes(8), "9003", "Kim Fan"));
        Facebook.AddPost($"{PageId}_3", T0.AddHours(2), "Our third post");
    }

    [Fact]
    public async Task TheFeedWithCommentsAndRepliesLandsInTheStorageMailboxFollowingNextLinksWithoutTheTokenInThem()
    {
        Seed();
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Equal((7L, 7L), (run.Counts.ItemsFromSource, run.Counts.ItemsImported));
        // Facebook repeats the access token in its next links; we strip it and send the token in a header only.
        Assert.Equal(0, Facebook.TokensInQuery);
        Assert.Contains(_harness.Apis.Requests, r => r.StartsWith($"/v21.0/{PageId}_2/comments", StringComparison.Ordinal));
        await using var db = _harness.Db();
        var items = await db.Items.ToDictionaryAsync(i => i.SourceId);
        Assert.Equal((null, $"{PageId}_2"), (items[$"{PageId}_2"].ParentId, items[$"{PageId}_2"].ConversationId));
        Assert.Equal(($"{PageId}_2", $"{PageId}_2"), (items["2_c1"].ParentId, items["2_c1"].ConversationId));
        Assert.Equal(("2_c1", $"{PageId}_2"), (items["2_r1"].ParentId, items["2_r1"].ConversationId));
        Assert.Equal($"{PageId}_2", items["2_c3"].ParentId);
        Assert.Equal("Facebook comment by Sam Buyer", items["2_c2"].Subject);
        Assert.Equal("Facebook reply by Contoso", items["2_r1"].Subject);
        var placements = await _harness.PlacementsAsync(connector);
        Assert.Equal(7, placements.Count);
        Assert.All(placements, p => Assert.Equal((_harness.StorageAccount, "Facebook"), p));
    }

    [Fact]
    public async Task AnEditedPostIsANewVersionAndASecondRunImportsOnlyWhatIsNew()
    {
        Seed();
        var connector = await AddConnectorAsync();
        await _harness.Worker.RunOnceAsync(connector);
        var fourth = Facebook.AddPost($"{PageId}_4", T0.AddHours(4), "Our fourth post");
        Facebook.Update(() =>
        {
            fourth.Comments.Add(new FakeFacebook.FbComment("4_c1", "First!", T0.AddHours(4).AddMinutes(1), "9001", "Pat Customer"));
            // An edit keeps the post's id and moves its updated_time.
            var third = Facebook.Post($"{PageId}_3");
            third.Message = "Our third post, corrected";
            third.Updated = T0.AddHours(3);
        });
        var before = _harness.Apis.Requests.Count;

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // New: post 4 and its comment, post 3's edit. Re-read (since = newest post − 1 h lookback): post 2 and its
        // four comments and replies.
        Assert.Equal((3L, 5L), (run.Counts.ItemsImported, run.Counts.ItemsSkippedDuplicate));
        var since = (T0.AddHours(1)).ToUnixTimeSeconds();
        Assert.Contains(_harness.Apis.Requests.Skip(before), r => r.Contains($"since={since}", StringComparison.Ordinal));
        await using var db = _harness.Db();
        var versions = await db.Items.Where(i => i.SourceId == $"{PageId}_3").OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], versions.Select(v => v.VersionKind));
        Assert.StartsWith("Our third post, corrected", versions[1].BodyText, StringComparison.Ordinal);
        Assert.Equal("Facebook post by Contoso (edited)", versions[1].Subject);
    }

    [Fact]
    public async Task AnExpiredPageTokenPutsTheConnectorInNeedsReauth()
    {
        Seed();
        Facebook.Expired = true;
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("Graph error 190/463", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("fb-page-token", run.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectorStatus.NeedsReauth, await _harness.StatusAsync(connector));
    }

    [Fact]
    public async Task ANextLinkToAnotherHostIsNotFollowedAndThePagesReadBeforeItStand()
    {
        Seed();
        Facebook.NextHost = "http://graph.attacker.example";
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("another host (http://graph.attacker.example)", run.Error, StringComparison.Ordinal);
        await using var db = _harness.Db();
        // The first feed page (posts 3 and 2 with post 2's comments and reply) was committed before the link was refused.
        Assert.Equal(6, run.Counts.ItemsImported);
        Assert.Equal(6, await db.Items.CountAsync());
        Assert.Equal(0, await db.Items.CountAsync(i => i.SourceId == $"{PageId}_1"));
    }
}
