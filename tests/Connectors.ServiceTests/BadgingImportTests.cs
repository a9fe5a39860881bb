extern alias push;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Api.Signals;
using Connectors.Runs;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Connectors.Tests;

/// <summary>The physical badging connector: Purview's JSON push, judged record by record, imported by the worker.</summary>
[Collection(ServersCollection.Name)]
public sealed class BadgingImportTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string CorpusFile = Path.Combine(RepositoryPaths.Shared, "corpus", "microsoft-physical-badging-connector", "sample_data_set.json");
    private ApiFactory _api = null!;
    private IHost _worker = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("badging");
        _api = new ApiFactory(database, servers.RedisConnectionString);
        _client = _api.CreateAdminClient();
        _worker = WorkerHost.Create(database, servers.RedisConnectionString);
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task TheCorpusFileWithItsBomExtraFieldsAndNaiveTimesIsTakenWholeAndImported()
    {
        foreach (var email in new[] { "tifc@a830edad9050849EQTPWBJZXODQ.onmicrosoft.com", "onsing@a830edad9050849EQTPWBJZXODQ.onmicrosoft.com" })
        {
            (await _client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
        var connector = await CreateConnectorAsync();
        var bytes = await File.ReadAllBytesAsync(CorpusFile);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);

        var response = await PushAsync(connector, bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<BadgingResultDto>(Json.Options))!;
        Assert.Equal((2, 2, 0), (result.Records, result.Accepted, result.Rejected));
        Assert.Equal($"/api/compliance/connectors/{connector}/signals/uploads/{result.UploadId}", response.Headers.Location!.OriginalString);

        var run = await _worker.RunOnceAsync(connector, RunTrigger.Upload);

        Assert.Equal((RunOutcome.Succeeded, 2L, 2L), (run!.Outcome, run.Counts.ItemsFromSource, run.Counts.ItemsImported));
        await using var db = _api.CreateDbContext();
        var events = await db.BadgeEvents.OrderBy(e => e.RecordIndex).ToListAsync();
        Assert.All(events, e => Assert.NotNull(e.AccountId));
        var first = events[0];
        Assert.Equal(("Mid-Sec-7", "Main Building 1st Floor Mid Section", "Failed"), (first.AssetId, first.AssetName, first.AccessStatus));
        Assert.Equal(new DateTimeOffset(2019, 7, 4, 1, 57, 49, TimeSpan.Zero), first.EventTime);
        Assert.Equal(("2019-07-04T01:57:49", true), (first.EventTimeText, first.OffsetAssumed));
        // Signals never become mailbox content.
        Assert.Equal(0, await db.Items.CountAsync());
    }

    [Fact]
    public async Task SomeBadRecordsAre207WithEachReasonAndTheRestAreImported()
    {
        var connector = await CreateConnectorAsync();
        var body = """
            [
              {"UserId":"alice@contoso.com","AssetId":"D1","EventTime":"2024-05-01T08:30:00+02:00","AccessStatus":"Success"},
              {"UserId":"alice@contoso.com","AssetId":"D1","EventTime":"yesterday","AccessStatus":"Success"},
              {"UserId":"","AssetId":"D2","EventTime":"2024-05-01T08:31:00Z","AccessStatus":"Failed"},
              {"UserId":"bob@contoso.com","AssetId":"D2","EventTime":"2024-05-01T08:32:00.123Z","AccessStatus":"Maybe"},
              "not an object"
            ]
            """;

        var response = await PushAsync(connector, Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<BadgingResultDto>(Json.Options))!;
        Assert.Equal((5, 1, 4), (result.Records, result.Accepted, result.Rejected));
        Assert.Equal([(1, "EventTime"), (2, "UserId"), (3, "AccessStatus"), (4, null)], result.Rejections.Select(r => (r.Index, r.Field)));

        var run = await _worker.RunOnceAsync(connector, RunTrigger.Upload);

        // Every record is accounted for: one imported (quarantined: nobody in the directory), four failed with their reasons.
        Assert.Empty(run!.Counts.Imbalances());
        Assert.Equal((5L, 4L, 1L, RunOutcome.Partial), (run.Counts.ItemsFromSource, run.Counts.ItemsFailed, run.Counts.ItemsQuarantined, run.Outcome));
        await using var db = _api.CreateDbContext();
        var utc = (await db.BadgeEvents.SingleAsync()).EventTime;
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 6, 30, 0, TimeSpan.Zero), utc);
        Assert.Contains(await db.Failures.Where(f => f.RunId == run.Id).Select(f => f.Field).ToListAsync(), f => f == "AccessStatus");
    }

    [Fact]
    public async Task TheSameEventsPushedTwiceImportNothingNew()
    {
        var connector = await CreateConnectorAsync();
        var body = Encoding.UTF8.GetBytes("""[{"UserId":"a@contoso.com","AssetId":"D1","EventTime":"2024-05-01T08:30:00Z","AccessStatus":"Success"}]""");
        await PushAsync(connector, body);
        await _worker.RunOnceAsync(connector, RunTrigger.Upload);

        await PushAsync(connector, body);
        var second = await _worker.RunOnceAsync(connector, RunTrigger.Upload);

        Assert.Equal((0L, 1L), (second!.Counts.ItemsQuarantined + second.Counts.ItemsImported, second.Counts.ItemsSkippedDuplicate));
        await using var db = _api.CreateDbContext();
        Assert.Equal(1, await db.BadgeEvents.CountAsync());
    }

    [Fact]
    public async Task ThePushToolSendsTheCorpusFileInChunksThatTheWorkerImports()
    {
        var connector = await CreateConnectorAsync();
        var folder = RepositoryPaths.NewTempDirectory("push");
        var file = Path.Combine(folder, "badges.json");
        File.Copy(CorpusFile, file);
        using var http = _api.CreateClient();
        var output = new StringWriter();
        var pusher = new push::Connectors.Push.Pusher(http, output, TimeProvider.System, (_, _) => Task.CompletedTask);
        var options = new push::Connectors.Push.PushOptions(http.BaseAddress!, ApiFactory.AdminKey, connector, file,
            push::Connectors.Push.SignalKind.Badging, ChunkSize: 1, CheckpointPath: file + ".checkpoint.json", MaxRetries: 0);

        var result = await pusher.PushAsync(options, CancellationToken.None);

        Assert.Equal((2, 2L, 0L, 0), (result.Chunks, result.RecordsSent, result.RecordsRejected, result.ExitCode));
        Assert.False(File.Exists(options.CheckpointPath));
        var run = await _worker.RunOnceAsync(connector, RunTrigger.Upload);
        Assert.Equal((2L, 2L), (run!.Counts.ItemsFromSource, run.Counts.ItemsQuarantined));
        await using var db = _api.CreateDbContext();
        Assert.Equal(2, await db.SignalUploads.CountAsync(u => u.ConnectorId == connector));
    }

    [Theory]
    [InlineData("""{"UserId":"a"}""", 400)]
    [InlineData("""not json""", 400)]
    public async Task ABodyThatIsNotAJsonArrayIs400AndStoresNothing(string body, int status)
    {
        var connector = await CreateConnectorAsync();

        var response = await PushAsync(connector, Encoding.UTF8.GetBytes(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"body\"", await response.Content.ReadAsStringAsync());
        await using var db = _api.CreateDbContext();
        Assert.Equal(0, await db.SignalUploads.CountAsync());
    }

    [Fact]
    public async Task MoreThanFiftyThousandRecordsAre413()
    {
        var connector = await CreateConnectorAsync();
        var record = """{"UserId":"a@contoso.com","AssetId":"D1","EventTime":"2024-05-01T08:30:00Z","AccessStatus":"Success"}""";
        var body = "[" + string.Join(",", Enumerable.Repeat(record, 50_001)) + "]";

        var response = await PushAsync(connector, Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("50,000", await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> PushAsync(Guid connector, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return await _client.PostAsync($"/api/compliance/connectors/{connector}/signals/physicalbadging", content);
    }

    private async Task<Guid> CreateConnectorAsync()
    {
        var response = await _client.PostAsJsonAsync("/api/compliance/connectors", new { name = $"Badges {Guid.NewGuid():N}", type = "PhysicalBadging" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
    }
}
