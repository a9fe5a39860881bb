using System.Diagnostics;
using System.Runtime;
using System.Security.Cryptography;
using System.Text.Json;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connectors.Benchmarks;

/// <summary>
/// Issue 4: one large Instant Bloomberg file, PGP-encrypted on a real OpenSSH SFTP server on loopback, imported
/// by the real <see cref="Imports.ImportRunner"/> for an InstantBloomberg connector (SFTP → evidence chunks in
/// PostgreSQL → verify pass → parse pass → batches of VendorFileSource.BatchSize). Reports size, throughput, where the time goes and,
/// above all, the memory of this process (the one running the import) before, during and after the run:
/// it should stay flat, bounded by one evidence chunk and one batch, whatever the file's size.
/// </summary>
internal sealed class InstantBloombergBenchmark(string connectionString, Func<TimeSpan> serverCpu, int messages, bool oneRoom, TextWriter output)
{
    public const int DefaultMessages = 200_000;
    private const int WarmupMessages = 2_000;
    private const string Sshd = "/usr/sbin/sshd";
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: run scripts/prerequisites.sh --tests (installs openssh-server).");
        }
        await using var database = new BenchmarkDatabase(connectionString);
        await database.MigrateAsync(cancellationToken);
        await database.SeedDirectoryAsync(SyntheticSlack.People, cancellationToken);

        var sftp = new LocalSftpServer();
        var work = RepositoryPaths.NewTempDirectory("connectors-benchmark-ib");
        try
        {
            await sftp.InitializeAsync();
            await RunAsync(database, sftp, work, cancellationToken);
        }
        finally
        {
            await sftp.DisposeAsync();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the OS to clean; it is under /tmp.
            }
        }
    }

    private async Task RunAsync(BenchmarkDatabase database, LocalSftpServer sftp, string work, CancellationToken cancellationToken)
    {
        output.WriteLine("Instant Bloomberg vendor file benchmark (issue 4)");
        output.WriteLine($"  One day's FileDump of {messages:N0} messages{(oneRoom ? " all in ONE conversation (--one-room)" : "")}, PGP-encrypted as a vendor does (RSA-2048 subkey, AES-256 with MDC, ZIP-compressed;");
        output.WriteLine("  BouncyCastle), put on a real OpenSSH SFTP server on loopback and imported by ImportRunner for an InstantBloomberg connector:");
        output.WriteLine($"  SFTP → evidence chunks of {Evidence.EvidenceStore.DefaultChunkSize / 1024 / 1024} MB in PostgreSQL → verify pass (decrypt all) → " +
            $"parse pass → ImportBatchAsync per {Sources.Files.VendorFileSource.BatchSize} events.");
        output.WriteLine($"  Directory: {SyntheticSlack.People.Count} accounts; participants map by CorporateEmailAddress (external ones map to no mailbox).");
        output.WriteLine($"  Client: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            (GCSettings.IsServerGC ? "server GC (as the worker)" : "workstation GC (DOTNET_gcServer=0; the worker runs server GC)") +
            "; PostgreSQL and sshd on the same machine");
        output.WriteLine($"  Server: {(await database.DescribeServerAsync(cancellationToken)).Split(Environment.NewLine)[0]}");
        output.WriteLine($"  Load average at start: {LoadAverage()}");
        output.WriteLine();
        output.Flush();

        var keys = PgpTestKeys.Default;
        using var phases = new RunPhases();
        using var host = PipelineHost.Build(connectionString);
        var protector = host.Services.GetRequiredService<CredentialProtector>();

        // Warm-up: JIT, connection pools, the Data Protection key ring, BouncyCastle, SSH.NET; its own connector and rooms.
        var warmFile = Deliver(sftp, work, keys, "warmup", "f000001", WarmupMessages, seed: 7, roomPrefix: "PCHAT-0x9");
        var warmConnector = await database.AddConnectorAsync(NewConnector("Benchmark IB (warm-up)", "warmup", "f000001", sftp, keys, protector), cancellationToken);
        var warmRun = await host.RunOnceAsync(warmConnector, cancellationToken);
        await VerifyAsync(database, warmRun, warmConnector, warmFile, cancellationToken);
        output.WriteLine($"Warm-up: a {WarmupMessages:N0}-message file on its own connector, imported and checked.");

        var delivery = Deliver(sftp, work, keys, "bloomberg", SyntheticInstantBloomberg.Firm, messages, seed: 2026, roomPrefix: "PCHAT-0x1", oneRoom);
        var file = delivery.File;
        output.WriteLine($"File {delivery.RemotePath}:");
        output.WriteLine($"  plain FileDump      {MiB(delivery.PlainBytes),10} ({file.Conversations:N0} conversations; {file.Events:N0} events = {file.Messages:N0} messages " +
            $"+ {file.Entries:N0} entries + {file.Exits:N0} exits; {file.ExternalParticipations:N0} external participants)");
        output.WriteLine($"  encrypted (.gpg)    {MiB(delivery.EncryptedBytes),10} ({(double)delivery.EncryptedBytes / delivery.PlainBytes:P0} of plain, ZIP-compressed)");
        output.WriteLine($"  generated in {delivery.Generated.TotalSeconds:0.0} s (streamed to a temp file), encrypted in {delivery.Encrypted.TotalSeconds:0.0} s " +
            "(streamed into the SFTP folder); neither is part of the run");
        output.WriteLine();
        output.Flush();

        var connector = await database.AddConnectorAsync(NewConnector("Benchmark IB", "bloomberg", SyntheticInstantBloomberg.Firm, sftp, keys, protector), cancellationToken);

        // Baseline: what the process holds, collected, before the run starts.
        FullCollect();
        var baseline = (WorkingSet: MemorySampler.WorkingSet(), Heap: GC.GetTotalMemory(forceFullCollection: false));
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2),
            Allocated: GC.GetTotalAllocatedBytes(precise: true), Pause: GC.GetTotalPauseDuration());
        var cpuBefore = (Client: Environment.CpuUsage.TotalTime, Server: serverCpu());
        phases.Reset();

        ImportRun run;
        IReadOnlyList<MemorySampler.Sample> samples;
        IReadOnlyList<MemorySampler.FullCollection> fullCollections;
        long started, ended, kernelPeak;
        bool peakReset;
        using (var sampler = MemorySampler.Start(SampleInterval))
        {
            peakReset = sampler.PeakReset;
            started = Stopwatch.GetTimestamp();
            run = await host.RunOnceAsync(connector, cancellationToken);
            ended = Stopwatch.GetTimestamp();
            samples = sampler.Stop();
            fullCollections = sampler.FullCollections;
            kernelPeak = MemorySampler.PeakWorkingSet();
        }
        var cpu = (Client: Environment.CpuUsage.TotalTime - cpuBefore.Client, Server: serverCpu() - cpuBefore.Server);
        var gc = (Gen0: GC.CollectionCount(0) - gcBefore.Gen0, Gen1: GC.CollectionCount(1) - gcBefore.Gen1, Gen2: GC.CollectionCount(2) - gcBefore.Gen2,
            Allocated: GC.GetTotalAllocatedBytes(precise: true) - gcBefore.Allocated, Pause: GC.GetTotalPauseDuration() - gcBefore.Pause);
        var breakdown = phases.Of(started, ended);
        FullCollect();
        var after = (WorkingSet: MemorySampler.WorkingSet(), Heap: GC.GetTotalMemory(forceFullCollection: false));

        var expectedBatches = (int)((file.Events + Sources.Files.VendorFileSource.BatchSize - 1) / Sources.Files.VendorFileSource.BatchSize);
        await VerifyAsync(database, run, connector, delivery, cancellationToken);
        Check(breakdown.Batches == expectedBatches, $"{breakdown.Batches} batches seen, {expectedBatches} expected for {file.Events} events");

        var elapsed = Stopwatch.GetElapsedTime(started, ended);
        output.WriteLine($"Run {run.Id} (ImportRunner.RunAsync, outcome {run.Outcome}):");
        output.WriteLine($"  messages            {file.Messages,12:N0}");
        output.WriteLine($"  items imported      {run.Counts.ItemsFromSource,12:N0} archive items (every event), {run.Counts.ItemsImported:N0} mailbox copies " +
            $"({(double)run.Counts.ItemsImported / file.Events:0.00} per item); duplicates {run.Counts.ItemsSkippedDuplicate}, " +
            $"quarantined {run.Counts.ItemsQuarantined}, failed {run.Counts.ItemsFailed}");
        output.WriteLine($"  elapsed             {elapsed.TotalSeconds,12:0.00} s");
        output.WriteLine($"  throughput          {file.Events / elapsed.TotalSeconds,12:N0} items/s ({file.Messages / elapsed.TotalSeconds:N0} messages/s, " +
            $"{run.Counts.ItemsImported / elapsed.TotalSeconds:N0} copies/s)");
        output.WriteLine($"                      {delivery.PlainBytes / 1048576.0 / elapsed.TotalSeconds,12:0.00} MiB/s of plain XML " +
            $"({delivery.EncryptedBytes / 1048576.0 / elapsed.TotalSeconds:0.00} MiB/s of the encrypted file)");
        output.WriteLine($"  CPU                 {cpu.Client.TotalSeconds,12:0.0} s this process + {cpu.Server.TotalSeconds:0.0} s PostgreSQL " +
            $"({(cpu.Client + cpu.Server) / (elapsed * Environment.ProcessorCount):P0} of the machine's {Environment.ProcessorCount} cores; sshd not counted)");
        output.WriteLine("  checks              passed: outcome Succeeded, no imbalance; imported copies = copies for import = the file's expected copies;");
        output.WriteLine("                      archive items and placements of the run in the database = events and copies; nothing quarantined or failed;");
        output.WriteLine($"                      the file marked Imported with {file.Events:N0} items read; evidence size and SHA-256 = the delivered .gpg; {breakdown.Batches:N0} batches");
        output.WriteLine();

        output.WriteLine("Where the time goes (from the pipeline's and Npgsql's activities), with this process's memory in each phase:");
        output.WriteLine($"  {"phase",-64} {"seconds",8} {"share",6} {"peak working set",17} {"peak managed heap",18}");
        foreach (var (name, from, to) in breakdown.Phases)
        {
            var span = Stopwatch.GetElapsedTime(from, to);
            var (ws, heap) = Peak(samples, from, to);
            output.WriteLine($"  {name,-64} {span.TotalSeconds,8:0.00} {span / elapsed,6:P1} {ws,17} {heap,18}");
        }
        var parse = Stopwatch.GetElapsedTime(breakdown.FirstBatch, breakdown.FileDone);
        output.WriteLine($"    of parse + import: ImportBatchAsync {breakdown.InBatches.TotalSeconds:0.00} s ({breakdown.Batches:N0} batches, " +
            $"{breakdown.InBatches.TotalMilliseconds / Math.Max(1, breakdown.Batches):0.0} ms each: mapping, COPY, dedup, placements, commit); " +
            $"the rest {(parse - breakdown.InBatches).TotalSeconds:0.00} s decrypting, parsing and building items");
        output.WriteLine($"    evidence: {breakdown.ChunksWritten} chunks written, {breakdown.ChunksRead} chunk reads over the two decryption passes");
        output.WriteLine();

        var peakWs = samples.Max(s => s.WorkingSet);
        var peakHeap = samples.Max(s => s.ManagedHeap);
        var peakOverall = Math.Max(kernelPeak, peakWs);
        output.WriteLine("Memory of this process (it runs the import; sampled every " +
            $"{SampleInterval.TotalMilliseconds:0} ms, {samples.Count:N0} samples):");
        output.WriteLine($"  baseline before the run (after a full GC)  working set {MiB(baseline.WorkingSet),10}   managed heap {MiB(baseline.Heap),10}");
        output.WriteLine($"  peak during the run                        working set {MiB(peakOverall),10}   managed heap {MiB(peakHeap),10}" +
            (peakReset ? $"   (working set: kernel high-water mark VmHWM, reset at the start; sampled max {MiB(peakWs)})" : "   (working set: sampled; VmHWM could not be reset)"));
        output.WriteLine($"  peak − baseline                            working set {MiB(peakOverall - baseline.WorkingSet),10}   managed heap {MiB(peakHeap - baseline.Heap),10}");
        output.WriteLine($"  after the run (after a full GC)            working set {MiB(after.WorkingSet),10}   managed heap {MiB(after.Heap),10}   (retained by the run: " +
            $"{MiB(after.Heap - baseline.Heap)} managed)");
        var quarters = Enumerable.Range(0, 4).Select(q =>
        {
            var from = breakdown.FirstBatch + (breakdown.FileDone - breakdown.FirstBatch) * q / 4;
            var to = breakdown.FirstBatch + (breakdown.FileDone - breakdown.FirstBatch) * (q + 1) / 4;
            var (ws, heap) = Peak(samples, from, to);
            return $"Q{q + 1} {ws} / {heap}";
        });
        output.WriteLine($"  parse + import by quarter of its time, peak working set / managed heap: {string.Join(", ", quarters)}");
        output.WriteLine($"  live managed objects after each gen2 collection in the run: " +
            (fullCollections.Count == 0 ? "(none seen)" : string.Join(", ", fullCollections.Select(c => MiB(c.Survived)))) +
            " (what survived it: the run's working data plus the baseline; the rest of the peak heap is garbage awaiting collection)");
        output.WriteLine($"  GC during the run: {gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2 collections; {gc.Allocated / 1073741824.0:0.00} GiB allocated " +
            $"({gc.Allocated / 1024.0 / file.Events:0.0} KiB per item); {gc.Pause.TotalMilliseconds:N0} ms paused");
        output.WriteLine($"  the plain file is {MiB(delivery.PlainBytes)}: peak managed heap − baseline is {(double)(peakHeap - baseline.Heap) / delivery.PlainBytes:P1} of it, " +
            $"peak working set − baseline {(double)(peakOverall - baseline.WorkingSet) / delivery.PlainBytes:P1}");
        output.Flush();
    }

    /// <summary>A generated file, PGP-encrypted in the SFTP folder.</summary>
    private sealed record Delivery(InstantBloombergFile File, string RemotePath, long PlainBytes, long EncryptedBytes, string EncryptedSha256,
        TimeSpan Generated, TimeSpan Encrypted);

    /// <summary>
    /// Writes the FileDump to a temp file and encrypts it into the SFTP folder, both streamed (a buffer at a time),
    /// then removes the plain file.
    /// </summary>
    private static Delivery Deliver(LocalSftpServer sftp, string work, PgpTestKeys keys, string folder, string firm, int messages, int seed, string roomPrefix,
        bool oneRoom = false)
    {
        var name = SyntheticInstantBloomberg.FileName(firm);
        var plainPath = Path.Combine(work, name);
        var started = Stopwatch.GetTimestamp();
        InstantBloombergFile file;
        using (var plain = new FileStream(plainPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file = SyntheticInstantBloomberg.Write(plain, messages, seed, roomPrefix, oneRoom);
        }
        var generated = Stopwatch.GetElapsedTime(started);

        sftp.CreateFolder(folder);
        var relative = $"{folder}/{name}.gpg";
        started = Stopwatch.GetTimestamp();
        using (var plain = new FileStream(plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        using (var encrypted = new FileStream(sftp.LocalPath(relative), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            keys.Encrypt(plain, encrypted, name, armor: false, compress: true);
        }
        var encryptedIn = Stopwatch.GetElapsedTime(started);

        var plainBytes = new FileInfo(plainPath).Length;
        File.Delete(plainPath);
        string sha;
        using (var encrypted = File.OpenRead(sftp.LocalPath(relative)))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(encrypted));
        }
        return new Delivery(file, LocalSftpServer.RemotePath(relative), plainBytes, new FileInfo(sftp.LocalPath(relative)).Length, sha, generated, encryptedIn);
    }

    /// <summary>An InstantBloomberg connector as the Api creates it: settings and credentials validated, credentials protected.</summary>
    private static Connector NewConnector(string name, string folder, string firm, LocalSftpServer sftp, PgpTestKeys keys, CredentialProtector protector)
    {
        const string type = ConnectorTypes.InstantBloomberg;
        var (settings, settingsErrors) = ConnectorSettings.Normalize(type, JsonSerializer.SerializeToElement(new
        {
            host = sftp.Host,
            port = sftp.Port,
            username = sftp.Username,
            hostKeySha256 = sftp.HostKeyFingerprint,
            remoteFolder = "/" + folder,
            sourceAccount = firm,
        }));
        var (credentials, credentialErrors) = ConnectorSettings.NormalizeCredentials(type, JsonSerializer.SerializeToElement(new
        {
            password = sftp.Password,
            pgpPrivateKey = keys.ArmoredSecretKey,
            pgpPassphrase = keys.Passphrase,
        }));
        var errors = settingsErrors.Concat(credentialErrors).Select(e => $"{e.Key}: {string.Join(" ", e.Value)}").ToList();
        Check(errors.Count == 0 && credentials is not null, $"the connector's settings or credentials are invalid: {string.Join("; ", errors)}");
        var now = DateTimeOffset.UtcNow;
        return new Connector
        {
            Name = name,
            Type = type,
            Settings = settings,
            Mapping = JsonSerializer.Serialize(MappingSettings.DefaultFor(type), IdentityResolver.SettingsJson),
            ProtectedCredentials = protector.Protect(credentials!),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The run's counters, the rows it wrote and the file's processed mark against what the file holds.</summary>
    private static async Task VerifyAsync(BenchmarkDatabase database, ImportRun run, Guid connectorId, Delivery delivery, CancellationToken cancellationToken)
    {
        var file = delivery.File;
        var counts = run.Counts;
        var describe = $"for import {counts.ItemsForImport}, imported {counts.ItemsImported}, partial {counts.ItemsPartiallyImported}, " +
            $"duplicates {counts.ItemsSkippedDuplicate}, quarantined {counts.ItemsQuarantined}, excluded {counts.ItemsExcluded}, failed {counts.ItemsFailed}";
        Check(run.Outcome == RunOutcome.Succeeded && run.Error is null, $"run {run.Id} ended {run.Outcome}: {run.Error}");
        Check(counts.Imbalances().Count == 0, $"run {run.Id} counts do not add up: {string.Join("; ", counts.Imbalances())}");
        Check(counts.ItemsFromSource == file.Events && counts.ItemsParsed == file.Events,
            $"run {run.Id} read {counts.ItemsFromSource} items from the source ({counts.ItemsParsed} parsed), the file has {file.Events} events");
        Check(counts.ItemsImported == file.Copies && counts.ItemsForImport == file.Copies && counts.ItemsPartiallyImported == 0
            && counts.ItemsSkippedDuplicate == 0 && counts.ItemsQuarantined == 0 && counts.ItemsExcluded == 0 && counts.ItemsFailed == 0,
            $"run {run.Id} should import all {file.Copies} mailbox copies and nothing else: {describe}");
        var written = await database.CountRunAsync(run.Id, cancellationToken);
        Check(written == (file.Events, file.Copies, 0), $"run {run.Id} wrote {written}, expected ({file.Events} items, {file.Copies} placements, 0 quarantined)");
        var delivered = await database.DeliveredFilesAsync(connectorId, cancellationToken);
        Check(delivered is [{ } only] && only.Path == delivery.RemotePath && only.Outcome == "Imported" && only.ItemsRead == file.Events
            && only.Size == delivery.EncryptedBytes && only.Sha256 == delivery.EncryptedSha256,
            $"the delivered file should be marked Imported with {file.Events} items and the .gpg's size {delivery.EncryptedBytes} and SHA-256 " +
            $"{delivery.EncryptedSha256}: {string.Join("; ", delivered)}");
    }

    private static (string WorkingSet, string Heap) Peak(IReadOnlyList<MemorySampler.Sample> samples, long from, long to)
    {
        var inside = samples.Where(s => s.Timestamp >= from && s.Timestamp <= to).ToList();
        return inside.Count == 0 ? ("–", "–") : (MiB(inside.Max(s => s.WorkingSet)), MiB(inside.Max(s => s.ManagedHeap)));
    }

    private static void FullCollect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static string MiB(long bytes) => $"{bytes / 1048576.0:0.0} MiB";

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Check failed: " + failure);
        }
    }
}
