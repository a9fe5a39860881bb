using System.Diagnostics;
using System.Runtime;
using Connectors.Archive;
using Connectors.Connectors;
using Connectors.Runs;

namespace Connectors.Benchmarks;

/// <summary>What to measure: items per path, repetitions (the median is reported) and the warm-up size.</summary>
internal sealed record BenchmarkSettings(int Items, int Repetitions, int WarmupItems)
{
    public const int PipelineBatch = 5_000;
    public const int CopyBatch = 5_000;
    public const int EfBatch = 1_000;
}

/// <summary>
/// Measures, on one database with the real schema, the full import pipeline against a raw binary COPY
/// and a naive EF Core write of the same kind of items, plus the re-import of items already archived.
/// Every write path starts from the same empty tables (truncated, then CHECKPOINT), so no path pays for
/// index pages another one filled; the re-import runs on the pipeline's own data.
/// </summary>
internal sealed class ImportBenchmark(string connectionString, Func<TimeSpan> serverCpu, BenchmarkSettings settings, TextWriter output)
{
    private const string Pipeline = "a. Full pipeline (ImportRunner)";
    private const string Copy = "b. Raw binary COPY";
    private const string Ef = "c. Naive EF Core";
    private const string Reimport = "d. Re-import (all duplicates)";
    private static readonly string[] Paths = [Pipeline, Copy, Ef, Reimport];

    private readonly Dictionary<string, List<Sample>> _samples = Paths.ToDictionary(p => p, _ => new List<Sample>());

    /// <summary>One measured run of a path: elapsed time and the CPU this process and the server used meanwhile.</summary>
    private sealed record Sample(TimeSpan Elapsed, TimeSpan ClientCpu, TimeSpan ServerCpu);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var n = settings.Items;
        await using var database = new BenchmarkDatabase(connectionString);
        await database.MigrateAsync(cancellationToken);
        await database.SeedDirectoryAsync(SyntheticSlack.People, cancellationToken);
        var pipelineConnector = await database.AddConnectorAsync("Benchmark Slack (pipeline)", cancellationToken);
        var copyConnector = await database.AddConnectorAsync("Benchmark Slack (raw COPY)", cancellationToken);
        var efConnector = await database.AddConnectorAsync("Benchmark Slack (EF Core)", cancellationToken);
        var copyRun = await database.AddRunAsync(copyConnector, cancellationToken);
        var efRun = await database.AddRunAsync(efConnector, cancellationToken);

        // Same seed, different workspace: equal sizes and words, distinct bytes, keys and content hashes.
        var pipelineItems = SyntheticSlack.Generate(n, "T0PIPE001", seed: 42);
        var copyItems = Chunk(SyntheticSlack.Generate(n, "T0COPY001", seed: 42), BenchmarkSettings.CopyBatch);
        var efItems = Chunk(SyntheticSlack.Generate(n, "T0EFEF001", seed: 42), BenchmarkSettings.EfBatch);
        var copies = pipelineItems.Sum(i => 1L + i.Recipients.Count);

        output.WriteLine("Import pipeline benchmark");
        output.WriteLine($"  N = {n:N0} items per path; {settings.Repetitions} repetition(s), median reported; warm-up {settings.WarmupItems:N0} items per path first");
        output.WriteLine($"  Batches: pipeline {BenchmarkSettings.PipelineBatch:N0} items per ImportBatchAsync (one transaction each); " +
            $"raw COPY {BenchmarkSettings.CopyBatch:N0} per transaction; EF Core {BenchmarkSettings.EfBatch:N0} per SaveChangesAsync, new context each");
        output.WriteLine($"  Items: Slack messages, {SyntheticSlack.Describe(pipelineItems)}; " +
            $"{SyntheticSlack.DirectorySize} directory accounts, every participant maps by email");
        output.WriteLine($"  Reset: before every write path (a, b, c) of every repetition: {BenchmarkDatabase.ResetStatement}; CHECKPOINT. " +
            "The re-import (d) runs right after (a) on its data.");
        output.WriteLine($"  Client: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
            "PostgreSQL on the same machine over TCP loopback");
        output.WriteLine($"  Server: {await database.DescribeServerAsync(cancellationToken)}");
        output.WriteLine($"  Load average at start: {LoadAverage()} (other processes on these cores slow every path; CPU per item is less affected)");
        output.WriteLine();
        output.WriteLine(await database.DescribeTableAsync("archive_items", cancellationToken));
        output.WriteLine();
        output.Flush();

        using var profiler = new StatementProfiler();
        var source = new ReplaySource();
        using var host = PipelineHost.Build(connectionString, source);

        // Warm-up: JIT, connection pools, EF's model and PostgreSQL's caches, for every path alike; then reset.
        source.Batches = Chunk(SyntheticSlack.Generate(settings.WarmupItems, "T0WARMP01", seed: 7), BenchmarkSettings.PipelineBatch);
        await host.RunOnceAsync(pipelineConnector, cancellationToken);
        await RawCopyPath.RunAsync(database.DataSource, Chunk(SyntheticSlack.Generate(settings.WarmupItems, "T0WARMC01", seed: 7), BenchmarkSettings.CopyBatch),
            ConnectorTypes.Slack, copyConnector, copyRun, cancellationToken);
        await NaiveEfPath.RunAsync(database.Options, Chunk(SyntheticSlack.Generate(settings.WarmupItems, "T0WARME01", seed: 7), BenchmarkSettings.EfBatch),
            ConnectorTypes.Slack, efConnector, efRun, cancellationToken);

        source.Batches = Chunk(pipelineItems, BenchmarkSettings.PipelineBatch);
        string? sizes = null;
        for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
        {
            await database.ResetAsync(cancellationToken);
            var run = await MeasureAsync(Pipeline, profiler, () => host.RunOnceAsync(pipelineConnector, cancellationToken));
            var written = await database.CountAsync(cancellationToken);
            Check(run.Counts.ItemsImported == copies && run.Counts.ItemsSkippedDuplicate == 0 && run.Counts.ItemsQuarantined == 0,
                $"pipeline run {run.Id} should import {copies} copies: {Describe(run)}");
            Check(written == new ArchiveCounts(n, n, copies, 0), $"pipeline should have written {n} items, {n} blobs, {copies} placements: {written}");
            sizes ??= await database.DescribeSizesAsync("archive_items", cancellationToken);

            var replay = await MeasureAsync(Reimport, profiler, () => host.RunOnceAsync(pipelineConnector, cancellationToken));
            var afterReplay = await database.CountAsync(cancellationToken);
            Check(replay.Counts.ItemsImported == 0 && replay.Counts.ItemsPartiallyImported == 0 && replay.Counts.ItemsQuarantined == 0
                && replay.Counts.ItemsSkippedDuplicate == copies && replay.Counts.ItemsForImport == copies,
                $"re-import run {replay.Id} should count all {copies} copies as duplicates: {Describe(replay)}");
            Check(afterReplay == written, $"re-import wrote rows: before {written}, after {afterReplay}");

            await database.ResetAsync(cancellationToken);
            await MeasureAsync(Copy, profiler, async () =>
            {
                await RawCopyPath.RunAsync(database.DataSource, copyItems, ConnectorTypes.Slack, copyConnector, copyRun, cancellationToken);
                return true;
            });
            Check((await database.CountAsync(cancellationToken)).Items == n, "raw COPY did not write every item");

            await database.ResetAsync(cancellationToken);
            await MeasureAsync(Ef, profiler, async () =>
            {
                await NaiveEfPath.RunAsync(database.Options, efItems, ConnectorTypes.Slack, efConnector, efRun, cancellationToken);
                return true;
            });
            Check((await database.CountAsync(cancellationToken)).Items == n, "EF Core did not write every item");

            output.WriteLine($"  repetition {repetition}/{settings.Repetitions}: " +
                string.Join(", ", Paths.Select(p => $"{p[..1]} {_samples[p][^1].Elapsed.TotalSeconds:0.00} s")) +
                $"; counts checked (a: {copies:N0} copies imported; d: {copies:N0} duplicates, nothing written); load {LoadAverage()}");
            output.Flush();
        }

        output.WriteLine();
        output.WriteLine($"archive_items after the pipeline's {n:N0} items: {sizes}");
        output.WriteLine();
        WriteResults(n);
        output.WriteLine();
        WriteBreakdown(profiler, n);
    }

    private async Task<T> MeasureAsync<T>(string path, StatementProfiler profiler, Func<Task<T>> body)
    {
        profiler.Start(path);
        var (client, server) = (Environment.CpuUsage.TotalTime, serverCpu());
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await body();
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            _samples[path].Add(new Sample(elapsed, Environment.CpuUsage.TotalTime - client, serverCpu() - server));
            profiler.Stop();
        }
    }

    private void WriteResults(int n)
    {
        output.WriteLine($"{"Path",-34} {"items/s",9} {"(min–max)",19} {"seconds",8} {"µs/item",8} {"CPU µs/item: client",20} {"server",7} {"items/CPU-s",12}");
        foreach (var path in Paths)
        {
            var rates = _samples[path].Select(s => n / s.Elapsed.TotalSeconds).Order().ToList();
            var median = Median(_samples[path].Select(s => s.Elapsed));
            var (client, server) = (Median(_samples[path].Select(s => s.ClientCpu)), Median(_samples[path].Select(s => s.ServerCpu)));
            output.WriteLine($"{path,-34} {n / median.TotalSeconds,9:N0} {$"({rates[0]:N0}–{rates[^1]:N0})",19} {median.TotalSeconds,8:0.00} " +
                $"{median.TotalMicroseconds / n,8:0.0} {client.TotalMicroseconds / n,20:0.0} {server.TotalMicroseconds / n,7:0.0} {n / CpuPerRun(path).TotalSeconds,12:N0}");
        }
        output.WriteLine("(CPU µs/item: this process and all PostgreSQL processes while the path ran, medians; items/CPU-s: items per second of");
        output.WriteLine(" their summed CPU, which other load on the machine distorts less than elapsed time.)");
        var pipeline = n / Median(_samples[Pipeline].Select(s => s.Elapsed)).TotalSeconds;
        var copy = n / Median(_samples[Copy].Select(s => s.Elapsed)).TotalSeconds;
        var ef = n / Median(_samples[Ef].Select(s => s.Elapsed)).TotalSeconds;
        output.WriteLine();
        output.WriteLine($"pipeline / raw COPY = {pipeline / copy:0.00}  (goal ≥ 0.70: {(pipeline / copy >= 0.7 ? "met" : "NOT met")}; " +
            $"by CPU per item {CpuPerRun(Copy) / CpuPerRun(Pipeline):0.00})");
        output.WriteLine($"pipeline / naive EF = {pipeline / ef:0.00}  (goal ≥ 2.00: {(pipeline / ef >= 2.0 ? "met" : "NOT met")}; " +
            $"by CPU per item {CpuPerRun(Ef) / CpuPerRun(Pipeline):0.00})");
        output.WriteLine("The pipeline also maps people, dedups, and writes placements (one per mailbox copy), the worklist, the cursor and the run's counters;");
        output.WriteLine("raw COPY and EF Core write only content_blobs and archive_items.");
    }

    /// <summary>Median CPU (this process plus the server) of one run of a path.</summary>
    private TimeSpan CpuPerRun(string path) => Median(_samples[path].Select(s => s.ClientCpu + s.ServerCpu));

    /// <summary>Per statement, summed over the repetitions and divided per item; the rest is client-side work.</summary>
    private void WriteBreakdown(StatementProfiler profiler, int n)
    {
        output.WriteLine("Where the time goes (Npgsql command/COPY durations, mean per repetition):");
        foreach (var path in Paths)
        {
            var repetitions = _samples[path].Count;
            var total = TimeSpan.FromTicks(_samples[path].Sum(s => s.Elapsed.Ticks));
            var statements = profiler.Of(path);
            output.WriteLine($"  {path}: {total.TotalSeconds / repetitions:0.00} s per run");
            foreach (var (statement, count, time) in statements.Where(s => s.Total >= total * 0.005))
            {
                output.WriteLine($"    {time.TotalMilliseconds / repetitions,8:0} ms {time / total,6:P1} {time.TotalMicroseconds / repetitions / n,7:0.0} µs/item  ×{count / repetitions,-5} {statement}");
            }
            var minor = statements.Where(s => s.Total < total * 0.005).ToList();
            if (minor.Count > 0)
            {
                var minorTime = TimeSpan.FromTicks(minor.Sum(s => s.Total.Ticks));
                output.WriteLine($"    {minorTime.TotalMilliseconds / repetitions,8:0} ms {minorTime / total,6:P1} {minorTime.TotalMicroseconds / repetitions / n,7:0.0} µs/item  ×{minor.Sum(s => s.Count) / repetitions,-5} {minor.Count} other statements");
            }
            var client = total - TimeSpan.FromTicks(statements.Sum(s => s.Total.Ticks));
            output.WriteLine($"    {client.TotalMilliseconds / repetitions,8:0} ms {client / total,6:P1} {client.TotalMicroseconds / repetitions / n,7:0.0} µs/item         outside any statement (client work: JSON, SHA-256, mapping, EF change tracking)");
        }
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> timings)
    {
        var sorted = timings.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static IReadOnlyList<SourceItem[]> Chunk(IReadOnlyList<SourceItem> items, int size) => items.Chunk(size).ToList();

    private static string Describe(ImportRun run) =>
        $"for import {run.Counts.ItemsForImport}, imported {run.Counts.ItemsImported}, partial {run.Counts.ItemsPartiallyImported}, " +
        $"duplicates {run.Counts.ItemsSkippedDuplicate}, quarantined {run.Counts.ItemsQuarantined}, excluded {run.Counts.ItemsExcluded}, failed {run.Counts.ItemsFailed}";

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Check failed: " + failure);
        }
    }
}
