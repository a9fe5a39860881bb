using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace Connectors.Tests;

/// <summary>The walking skeleton through the whole stack: Api → PostgreSQL → Redis wake-up → Worker → Api.</summary>
public sealed class ImportEndToEndTests(StackFixture stack) : IClassFixture<StackFixture>
{
    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Worker)]
    [InlineData(ResourceNames.Web)]
    public async Task EveryServiceAnswersHealthAndAliveness(string resource)
    {
        using var client = stack.App.CreateHttpClient(resource);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task AnUploadedHrFileIsImportedByTheWorkerAndShowsInHistoryWithItsCounts()
    {
        using var client = stack.App.CreateApiClient(stack.AdminApiKey);
        foreach (var email in new[] { "alice@contoso.com", "carol@contoso.com" })
        {
            (await client.PostAsJsonAsync("/api/compliance/directory/accounts", new { email, displayName = email })).EnsureSuccessStatusCode();
        }
        var created = await client.PostAsJsonAsync("/api/compliance/connectors", new { name = "HR Import", type = "HR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var csv = "EmailAddress,ResignationDate,LastWorkingDate\n" +
                  "alice@contoso.com,2026-10-01T09:00:00Z,2026-10-31\n" +
                  "bob@contoso.com,yesterday,2026-10-31\n" +
                  "carol@contoso.com,2026-10-02T09:00:00.123+01:00,\n";
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "resignations.csv" } };
        var uploaded = await client.PostAsync($"/api/compliance/connectors/{id}/signals", form);
        Assert.Equal(HttpStatusCode.Accepted, uploaded.StatusCode);

        // The worker is woken through Redis and imports within seconds.
        var upload = await PollAsync(() => client.GetFromJsonAsync<JsonElement>(uploaded.Headers.Location!),
            u => u.GetProperty("status").GetString() == "Imported");
        Assert.Equal((2, 0, 1), (upload.GetProperty("rowsImported").GetInt32(), upload.GetProperty("rowsDuplicate").GetInt32(), upload.GetProperty("rowsFailed").GetInt32()));
        var failedRow = upload.GetProperty("failedRows")[0];
        Assert.Equal(3, failedRow.GetProperty("rowNumber").GetInt32());

        var runId = upload.GetProperty("run").GetProperty("id").GetInt64();
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/history");
        var run = history.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == runId);
        Assert.Equal("Partial", run.GetProperty("outcome").GetString());
        Assert.Equal(3, run.GetProperty("itemsFromSource").GetInt32());
        Assert.Equal(3, run.GetProperty("itemsForImport").GetInt32());
        Assert.Equal(2, run.GetProperty("itemsImported").GetInt32());
        Assert.Equal(1, run.GetProperty("itemsFailed").GetInt32());

        var status = await client.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/status");
        Assert.Equal("Warning", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("itemsImported").GetInt32());
    }

    [Fact]
    public async Task TwoWorkerReplicasNeverImportOneConnectorConcurrently()
    {
        using var client = stack.App.CreateApiClient(stack.AdminApiKey);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await client.PostAsJsonAsync("/api/compliance/connectors", new { name = $"Replicated {i}", type = "HR" });
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        for (var round = 0; round < 8; round++)
        {
            foreach (var id in ids)
            {
                (await client.PostAsync($"/api/compliance/connectors/{id}/run", null)).EnsureSuccessStatusCode();
            }
            await Task.Delay(100);
        }

        foreach (var id in ids)
        {
            // Every request was served (the last one included): the connector settles back to Active with every run
            // finished. A request still pending would start one more run, so both are read together.
            var (runs, settled) = await PollAsync(async () =>
                {
                    var status = await client.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/status");
                    var history = (await client.GetFromJsonAsync<JsonElement>($"/api/compliance/connectors/{id}/history?limit=200"))
                        .GetProperty("items").EnumerateArray().ToList();
                    return (History: history, Status: status.GetProperty("status").GetString());
                },
                r => r.Status == "Active" && r.History.Count > 0 && r.History.All(x => x.GetProperty("outcome").ValueKind != JsonValueKind.Null));
            Assert.Equal("Active", settled);
            // No two runs of one connector overlap.
            var intervals = runs.Select(r => (Start: r.GetProperty("startedAt").GetDateTimeOffset(), End: r.GetProperty("completedAt").GetDateTimeOffset()))
                .OrderBy(r => r.Start).ToList();
            for (var i = 1; i < intervals.Count; i++)
            {
                Assert.True(intervals[i].Start >= intervals[i - 1].End, $"two runs of connector {id} overlapped");
            }
        }
    }

    internal static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not done after {seconds} s; last value: {value}");
            }
            await Task.Delay(250);
        }
    }
}
