using System.Net;
using System.Text.Json;
using Connectors.Push;

namespace Connectors.Tests.Push;

public sealed class PusherTests
{
    private const string Header = "EmailAddress,ResignationDate,LastWorkingDate";

    private static string Csv(int rows) =>
        Header + "\r\n" + string.Concat(Enumerable.Range(1, rows).Select(i => $"user{i}@x.com,2026-01-01,2026-01-31\r\n"));

    private static string Badges(int records) =>
        "[" + string.Join(",", Enumerable.Range(1, records).Select(i => $$"""{"userId":"u{{i}}@x.com","assetId":"door-{{i}}"}""")) + "]";

    [Fact]
    public async Task ACsvIsSentInChunksWithTheKeyToTheHrEndpoint()
    {
        using var fixture = new PushFixture("hr.csv", Csv(5), bom: true);
        var api = new FakeApi((n, _) => FakeApi.Accepted(n));

        var exit = await fixture.RunAsync(api, 2);

        Assert.Equal(0, exit);
        Assert.Equal(3, api.Calls.Count);
        Assert.All(api.Calls, c =>
        {
            Assert.Equal(HttpMethod.Post, c.Method);
            Assert.Equal($"https://archive.example/api/compliance/connectors/{PushFixture.ConnectorId}/signals", c.Uri.ToString());
            Assert.Equal("k-123", c.ApiKey);
            Assert.StartsWith(Header + "\r\n", c.Body, StringComparison.Ordinal);
        });
        Assert.Equal(["hr.part0001.csv", "hr.part0002.csv", "hr.part0003.csv"], api.Calls.Select(c => c.FileName));
        Assert.Contains("chunk 3/3: 1 records, 202 Accepted, /api/compliance/connectors/x/signals/uploads/2", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.Contains("done: 3 chunks (0 skipped from the checkpoint), 5 records sent, 0 rejected.", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(fixture.CheckpointPath));
    }

    [Fact]
    public async Task TooManyRequestsWaitsForRetryAfterAndSendsTheChunkOnce()
    {
        using var fixture = new PushFixture("hr.csv", Csv(2));
        var api = new FakeApi((n, _) => n == 0
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(7)) } }
            : FakeApi.Accepted(n));

        var exit = await fixture.RunAsync(api, 10);

        Assert.Equal(0, exit);
        Assert.Equal([TimeSpan.FromSeconds(7)], fixture.Waits);
        Assert.Equal(2, api.Calls.Count);
        Assert.Equal(api.Calls[0].Body, api.Calls[1].Body);
        Assert.Contains("2 records sent", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.Single(fixture.Output.ToString().Split('\n'), l => l.StartsWith("chunk 1/1: 2 records, 202", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARetryAfterDateIsCountedFromTheClock()
    {
        using var fixture = new PushFixture("badges.json", Badges(1));
        var api = new FakeApi((n, _) => n == 0
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(PushFixture.Now.AddSeconds(42)) } }
            : FakeApi.Status(200));

        Assert.Equal(0, await fixture.RunAsync(api, 10));
        Assert.Equal([TimeSpan.FromSeconds(42)], fixture.Waits);
    }

    [Fact]
    public async Task ServerErrorsAndDroppedConnectionsAreRetriedWithGrowingWaits()
    {
        using var fixture = new PushFixture("hr.csv", Csv(1));
        var api = new FakeApi((n, _) => n switch
        {
            0 => FakeApi.Status(503),
            1 => throw new HttpRequestException("connection reset"),
            2 => FakeApi.Status(502),
            _ => FakeApi.Accepted(n),
        });

        var result = await fixture.Pusher(api).PushAsync(fixture.Options(10), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([1, 2, 4], fixture.Waits.Select(w => w.TotalSeconds));
        Assert.Equal(4, api.Calls.Count);
    }

    [Fact]
    public void BackoffIsCappedAtAMinuteAndNeverBelowHalf()
    {
        var low = new Pusher(new HttpClient(), TextWriter.Null, TimeProvider.System, (_, _) => Task.CompletedTask, () => 0.0);
        var high = new Pusher(new HttpClient(), TextWriter.Null, TimeProvider.System, (_, _) => Task.CompletedTask, () => 0.999);

        Assert.Equal(TimeSpan.FromSeconds(4), low.Backoff(3));
        Assert.Equal(TimeSpan.FromSeconds(30), low.Backoff(20));
        Assert.True(high.Backoff(20) <= TimeSpan.FromSeconds(60));
        Assert.True(high.Backoff(3) > TimeSpan.FromSeconds(7.9));
    }

    [Fact]
    public async Task ABadRequestIsNotRetriedAndItsProblemIsShown()
    {
        using var fixture = new PushFixture("hr.csv", Csv(3));
        var api = new FakeApi((_, _) => FakeApi.Status(400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"EmailAddress":["The header has no EmailAddress column."]}}"""));

        var exit = await fixture.RunAsync(api, 10);

        Assert.Equal(1, exit);
        Assert.Single(api.Calls);
        Assert.Empty(fixture.Waits);
        var error = fixture.Errors.ToString();
        Assert.Contains("400", error, StringComparison.Ordinal);
        Assert.Contains("One or more validation errors occurred.", error, StringComparison.Ordinal);
        Assert.Contains("EmailAddress: The header has no EmailAddress column.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetriesRunOutWithExitOneAndTheCheckpointKept()
    {
        using var fixture = new PushFixture("hr.csv", Csv(4));
        var api = new FakeApi((n, _) => n == 0 ? FakeApi.Accepted(n) : FakeApi.Status(500));

        var exit = await fixture.RunAsync(api, 2, "--max-retries", "3");

        Assert.Equal(1, exit);
        Assert.Equal(5, api.Calls.Count);
        Assert.Contains("failed after 4 attempts", fixture.Errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, ReadCheckpoint(fixture).GetProperty("chunksAcknowledged").GetInt32());
    }

    [Fact]
    public async Task RejectedBadgingRecordsArePrintedCountedAndGiveExitTwo()
    {
        using var fixture = new PushFixture("badges.json", Badges(5));
        var api = new FakeApi((n, call) =>
        {
            Assert.Equal($"https://archive.example/api/compliance/connectors/{PushFixture.ConnectorId}/signals/physicalbadging", call.Uri.ToString());
            return n == 0
                ? FakeApi.Status(207, """{"uploadId":null,"records":3,"accepted":2,"rejected":1,"rejections":[{"index":1,"field":"EventTime","error":"eventTime is missing."}]}""")
                : FakeApi.Status(200);
        });

        var exit = await fixture.RunAsync(api, 3);

        Assert.Equal(2, exit);
        Assert.Equal(2, api.Calls.Count);
        Assert.Equal(3, JsonDocument.Parse(api.Calls[0].Body).RootElement.GetArrayLength());
        var output = fixture.Output.ToString();
        Assert.Contains("1 rejected", output, StringComparison.Ordinal);
        Assert.Contains("record 2: eventTime is missing.", output, StringComparison.Ordinal);
        Assert.Contains("5 records sent, 1 rejected.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrashAfterTwoOfFourChunksResumesWithTheThirdAndRemovesTheCheckpoint()
    {
        using var fixture = new PushFixture("hr.csv", Csv(8));
        var first = new FakeApi((n, _) => n < 2 ? FakeApi.Accepted(n) : throw new SimulatedCrash());

        await Assert.ThrowsAsync<SimulatedCrash>(() => fixture.Pusher(first).PushAsync(fixture.Options(2), CancellationToken.None));
        Assert.Equal(2, ReadCheckpoint(fixture).GetProperty("chunksAcknowledged").GetInt32());

        var second = new FakeApi((n, _) => FakeApi.Accepted(n));
        var exit = await fixture.RunAsync(second, 2);

        Assert.Equal(0, exit);
        Assert.Equal(2, second.Calls.Count);
        Assert.Contains("user5@x.com", second.Calls[0].Body, StringComparison.Ordinal);
        Assert.Contains("user6@x.com", second.Calls[0].Body, StringComparison.Ordinal);
        Assert.Contains("user8@x.com", second.Calls[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Calls, c => c.Body.Contains("user4@x.com", StringComparison.Ordinal));
        Assert.Contains("resuming: 2 chunks already acknowledged", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.Contains("done: 4 chunks (2 skipped from the checkpoint), 8 records sent", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(fixture.CheckpointPath));
    }

    [Fact]
    public async Task AChangedFileStartsFromTheBeginning()
    {
        using var fixture = new PushFixture("hr.csv", Csv(8));
        var first = new FakeApi((n, _) => n < 2 ? FakeApi.Accepted(n) : throw new SimulatedCrash());
        await Assert.ThrowsAsync<SimulatedCrash>(() => fixture.Pusher(first).PushAsync(fixture.Options(2), CancellationToken.None));

        fixture.Write(Csv(8).Replace("user1@", "first@", StringComparison.Ordinal));
        var second = new FakeApi((n, _) => FakeApi.Accepted(n));
        var exit = await fixture.RunAsync(second, 2);

        Assert.Equal(0, exit);
        Assert.Equal(4, second.Calls.Count);
        Assert.Contains("first@x.com", second.Calls[0].Body, StringComparison.Ordinal);
        Assert.Contains("file has changed", fixture.Output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(fixture.CheckpointPath));
    }

    [Fact]
    public async Task AnotherChunkSizeStartsFromTheBeginning()
    {
        using var fixture = new PushFixture("hr.csv", Csv(8));
        var first = new FakeApi((n, _) => n < 2 ? FakeApi.Accepted(n) : throw new SimulatedCrash());
        await Assert.ThrowsAsync<SimulatedCrash>(() => fixture.Pusher(first).PushAsync(fixture.Options(2), CancellationToken.None));

        var second = new FakeApi((n, _) => FakeApi.Accepted(n));
        Assert.Equal(0, await fixture.RunAsync(second, 4));

        Assert.Equal(2, second.Calls.Count);
        Assert.Contains("user1@x.com", second.Calls[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenCsvIsRefusedBeforeAnythingIsSent()
    {
        using var fixture = new PushFixture("hr.csv", Csv(3) + "bad@x.com,\"2026-01-01,2026-01-31\r\n");
        var api = new FakeApi((n, _) => FakeApi.Accepted(n));

        Assert.Equal(1, await fixture.RunAsync(api, 1));
        Assert.Empty(api.Calls);
        Assert.Contains("never closed", fixture.Errors.ToString(), StringComparison.Ordinal);
    }

    private static JsonElement ReadCheckpoint(PushFixture fixture) =>
        JsonDocument.Parse(File.ReadAllText(fixture.CheckpointPath)).RootElement;

    private sealed class SimulatedCrash : Exception;
}
