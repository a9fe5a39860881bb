using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Connectors.Api.Connectors;
using Connectors.Runs;
using Connectors.Sources.Hr;
using Connectors.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Tests;

/// <summary>The real Worker process killed (SIGKILL) in the middle of an import, then started again.</summary>
[Collection(ServersCollection.Name)]
public sealed class WorkerCrashTests(ServersFixture servers)
{
    private const int Files = 6;
    private const int RowsPerFile = 20_000;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string?> _output = new();

    [Fact]
    public async Task KillingTheWorkerMidImportAndRestartingItEndsWithTheSameArchiveAsAnUninterruptedRun()
    {
        // The reference: the same uploads imported without interruption.
        var reference = await servers.CreateDatabaseAsync("crash_reference");
        await using (var api = new ApiFactory(reference, servers.RedisConnectionString))
        {
            var id = await UploadAllAsync(api);
            using var worker = WorkerHost.Create(reference, servers.RedisConnectionString);
            await worker.RunOnceAsync(id, RunTrigger.Upload);
        }

        var crashed = await servers.CreateDatabaseAsync("crash");
        await using var crashedApi = new ApiFactory(crashed, servers.RedisConnectionString);
        var connectorId = await UploadAllAsync(crashedApi);

        using (var first = new KillOnDispose(StartWorkerProcess(crashed)))
        {
            // Kill it once at least one file has committed and at least one has not.
            await WaitAsync(crashed, async db =>
            {
                var imported = await db.SignalUploads.CountAsync(u => u.Status == UploadStatus.Imported);
                return imported is > 0 and < Files;
            }, first.Process);
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
        }
        await using (var db = Db(crashed))
        {
            Assert.True(await db.SignalUploads.AnyAsync(u => u.Status == UploadStatus.Pending), "the kill came too late to test anything");
        }

        using (var second = new KillOnDispose(StartWorkerProcess(crashed)))
        {
            await WaitAsync(crashed, async db => await db.SignalUploads.AllAsync(u => u.Status == UploadStatus.Imported)
                && await db.Runs.AllAsync(r => r.Outcome != null), second.Process);
        }

        await using var expected = Db(reference);
        await using var actual = Db(crashed);
        var expectedKeys = await expected.HrSignals.OrderBy(s => s.DedupKey).Select(s => s.DedupKey).ToListAsync();
        var actualKeys = await actual.HrSignals.OrderBy(s => s.DedupKey).Select(s => s.DedupKey).ToListAsync();
        Assert.Equal(Files * RowsPerFile, expectedKeys.Count);
        Assert.Equal(expectedKeys, actualKeys);
        // The run the kill interrupted is closed with a reason, not left "in progress" forever.
        var runs = await actual.Runs.Where(r => r.ConnectorId == connectorId).OrderBy(r => r.Id).ToListAsync();
        Assert.Contains(runs, r => r.Outcome == RunOutcome.Failed && r.Error!.Contains("took over"));
        // Nobody is in the directory here, so every signal was kept unattributed (quarantined), each exactly once.
        Assert.Equal(Files * RowsPerFile, runs.Sum(r => r.Counts.ItemsImported + r.Counts.ItemsQuarantined));
    }

    private static async Task<Guid> UploadAllAsync(ApiFactory api)
    {
        using var client = api.CreateAdminClient();
        var created = await client.PostAsJsonAsync("/api/compliance/connectors", new { name = "Big HR feed", type = "HR" });
        var id = (await created.Content.ReadFromJsonAsync<ConnectorDto>(Json.Options))!.Id;
        for (var file = 0; file < Files; file++)
        {
            var csv = new StringBuilder("EmailAddress,ResignationDate,LastWorkingDate\n");
            for (var row = 0; row < RowsPerFile; row++)
            {
                csv.Append($"person{file}-{row}@contoso.com,2026-{1 + row % 12:00}-{1 + row % 28:00}T09:00:00Z,\n");
            }
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "file", $"hr-{file}.csv" } };
            (await client.PostAsync($"/api/compliance/connectors/{id}/signals", form)).EnsureSuccessStatusCode();
        }
        return id;
    }

    private Process StartWorkerProcess(string connectionString)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryPaths.Root, "Connectors.Worker", "bin", configuration, "net10.0", "Connectors.Worker.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[$"ConnectionStrings__{ResourceNames.Database}"] = connectionString;
        start.Environment[$"ConnectionStrings__{ResourceNames.Redis}"] = servers.RedisConnectionString;
        start.Environment["Credentials__MasterKey"] = ApiFactory.MasterKey;
        start.Environment["Scheduler__PollInterval"] = "00:00:00.200";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => _output.Enqueue(e.Data);
        process.ErrorDataReceived += (_, e) => _output.Enqueue(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitAsync(string connectionString, Func<Data.ConnectorsDbContext, Task<bool>> done, Process worker)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(worker.HasExited, "the worker process exited by itself: " + string.Join('\n', _output.TakeLast(30)));
            await using var db = Db(connectionString);
            if (await done(db))
            {
                return;
            }
            await Task.Delay(50);
        }
        await using var state = Db(connectionString);
        var runs = string.Join("; ", await state.Runs.Select(r => $"{r.Id} {r.Outcome} {r.Error}").ToListAsync());
        var uploads = string.Join("; ", await state.SignalUploads.Select(u => $"{u.Status}").ToListAsync());
        var connectors = string.Join("; ", await state.Connectors.Select(c => $"{c.RunStatus} {c.RunRequestedAt} {c.NextRunAt} {c.Enabled}").ToListAsync());
        throw new TimeoutException($"The worker did not get there within 2 minutes. Runs: {runs}. Uploads: {uploads}. Connectors: {connectors}. " + string.Join('\n', _output.TakeLast(10)));
    }

    /// <summary>A worker process that never outlives the test, whatever happens in it.</summary>
    private sealed class KillOnDispose(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }
    }

    private static Data.ConnectorsDbContext Db(string connectionString) => new(Data.DataExtensions.CreateOptions(connectionString));
}
