using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Runs;
using Connectors.Sources.Social.LinkedIn;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests.Social;

/// <summary>A LinkedIn connector against a fake REST API: posts paged by start/count/total, comments and replies, an edit.</summary>
[Collection(ServersCollection.Name)]
public sealed class LinkedInImportTests(ServersFixture servers) : IAsyncLifetime
{
    private const string Organization = "2414183";
    private const string Author = $"urn:li:organization:{Organization}";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds());

    private SocialHarness _harness = null!;
    private FakeLinkedIn LinkedIn => _harness.Apis.LinkedIn;

    public async Task InitializeAsync() => _harness = await SocialHarness.StartAsync(servers, "social_li");

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<Guid> AddConnectorAsync(string token = "li-access-token")
    {
        var settings = new LinkedInSettings(OrganizationId: Organization, StorageMailbox: SocialHarness.StorageMailbox,
            BaseUrl: _harness.Apis.BaseAddress + "/rest/", PageSize: 2, CommentWindowDays: 0);
        SocialHarness.AssertValid(settings, ConnectorTypes.LinkedIn);
        return _harness.AddConnectorAsync(ConnectorTypes.LinkedIn, settings, new LinkedInCredentials(token), lookback: TimeSpan.FromHours(1));
    }

    private static string Post(int n) => $"urn:li:share:{7000 + n}";

    private static FakeLinkedIn.LiComment Comment(int post, string id, string actor, string text, DateTimeOffset at, string? parent = null) =>
        new(id, $"urn:li:comment:(urn:li:activity:{7000 + post},{id})", actor, text, at.ToUnixTimeMilliseconds(), parent);

    /// <summary>Four posts; the third has three comments (more than a comment page) and a reply to the first.</summary>
    private void Seed()
    {
        LinkedIn.AddPost(Post(0), Author, T0.AddHours(-2), "Post zero");
        LinkedIn.AddPost(Post(1), Author, T0, "Post one");
        var two = LinkedIn.AddPost(Post(2), Author, T0.AddHours(1), "Post two");
        var first = Comment(2, "11", "urn:li:person:pat", "Congratulations", T0.AddHours(1).AddMinutes(5));
        first.Replies.Add(Comment(2, "12", Author, "Thank you!", T0.AddHours(1).AddMinutes(6), parent: first.Urn));
        two.Comments.Add(first);
        two.Comments.Add(Comment(2, "13", "urn:li:person:sam", "Great news", T0.AddHours(1).AddMinutes(7)));
        two.Comments.Add(Comment(2, "14", "urn:li:person:kim", "Well done", T0.AddHours(1).AddMinutes(8)));
        LinkedIn.AddPost(Post(3), Author, T0.AddHours(2), "Post three");
        // Another organization's post must not be read.
        LinkedIn.AddPost("urn:li:share:9999", "urn:li:organization:1", T0, "Not ours");
    }

    [Fact]
    public async Task ThePagesPostsCommentsAndRepliesLandInTheStorageMailboxThreadedUnderTheirPost()
    {
        Seed();
        var connector = await AddConnectorAsync();

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Equal((8L, 8L), (run.Counts.ItemsFromSource, run.Counts.ItemsImported));
        // Two pages of posts (count 2, total 4) and two pages of post two's comments (the fake serves 2 at a time).
        Assert.Equal(2, _harness.Apis.Requests.Count(r => r.StartsWith("/rest/posts?", StringComparison.Ordinal)));
        Assert.Equal(2, _harness.Apis.Requests.Count(r => r.Contains("share", StringComparison.Ordinal) && r.Contains("7002/comments", StringComparison.Ordinal)));
        await using var db = _harness.Db();
        var items = await db.Items.ToDictionaryAsync(i => i.SourceId);
        Assert.False(items.ContainsKey("urn:li:share:9999"));
        var reply = items["urn:li:comment:(urn:li:activity:7002,12)"];
        Assert.Equal(("urn:li:comment:(urn:li:activity:7002,11)", Post(2)), (reply.ParentId, reply.ConversationId));
        Assert.Equal(Post(2), items["urn:li:comment:(urn:li:activity:7002,14)"].ParentId);
        Assert.Equal($"LinkedIn reply by {Author}", reply.Subject);
        Assert.Equal("Post two", items[Post(2)].BodyText);
        var placements = await _harness.PlacementsAsync(connector);
        Assert.Equal(8, placements.Count);
        Assert.All(placements, p => Assert.Equal((_harness.StorageAccount, "LinkedIn"), p));
    }

    [Fact]
    public async Task AnEditedPostIsANewVersionAndASecondRunStopsAtTheLookbackAndImportsOnlyWhatIsNew()
    {
        Seed();
        var connector = await AddConnectorAsync();
        await _harness.Worker.RunOnceAsync(connector);
        LinkedIn.AddPost(Post(4), Author, T0.AddHours(4), "Post four");
        LinkedIn.Update(() =>
        {
            // An edit keeps the post's URN and moves lastModifiedAt: the post comes first in LAST_MODIFIED order.
            var one = LinkedIn.Find(Post(1));
            one.Commentary = "Post one, corrected";
            one.Modified = T0.AddHours(3).ToUnixTimeMilliseconds();
            LinkedIn.Find(Post(3)).Comments.Add(Comment(3, "31", "urn:li:person:pat", "Late comment", T0.AddHours(3)));
        });
        var before = _harness.Apis.Requests.Count;

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Null(run.Error);
        Assert.Empty(run.Counts.Imbalances());
        // New: post four, post one's edit, a comment on post three. Re-read (modified within the hour before the newest
        // post seen): posts three and two with post two's four comments and reply; post zero is older and is not read.
        Assert.Equal((3L, 6L), (run.Counts.ItemsImported, run.Counts.ItemsSkippedDuplicate));
        await using var db = _harness.Db();
        var versions = await db.Items.Where(i => i.SourceId == Post(1)).OrderBy(i => i.Id).ToListAsync();
        Assert.Equal([VersionKind.Original, VersionKind.Edit], versions.Select(v => v.VersionKind));
        Assert.Equal(["Post one", "Post one, corrected"], versions.Select(v => v.BodyText));
        Assert.Equal(3, _harness.Apis.Requests.Skip(before).Count(r => r.StartsWith("/rest/posts?", StringComparison.Ordinal)));
        Assert.DoesNotContain(_harness.Apis.Requests.Skip(before), r => r.Contains("7000", StringComparison.Ordinal) && r.Contains("comments", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedAccessTokenPutsTheConnectorInNeedsReauth()
    {
        Seed();
        var connector = await AddConnectorAsync(token: "expired-li-token");

        var run = (await _harness.Worker.RunOnceAsync(connector))!;

        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Contains("LinkedIn refused our credentials (401", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("expired-li-token", run.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectorStatus.NeedsReauth, await _harness.StatusAsync(connector));
    }
}
