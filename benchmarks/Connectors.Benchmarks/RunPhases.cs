using System.Diagnostics;

namespace Connectors.Benchmarks;

/// <summary>
/// The phases of one vendor file run, told apart without touching the code under test: the pipeline's own
/// activities ("Import vendor file", "Import batch") and Npgsql's per-command activities. For a single file:
/// <list type="bullet">
/// <item>setup: from the run's start to the file's activity (run record, PGP key check, SFTP login, listing);</item>
/// <item>download + evidence: to the end of the <c>INSERT INTO evidence_files</c> that closes the store (SFTP read,
/// SHA-256, 4 MB chunks into PostgreSQL);</item>
/// <item>verify: to the start of the first batch (the full decryption pass that checks the MDC before anything
/// is imported; it also contains parsing the first batch's events, a few milliseconds);</item>
/// <item>parse + import: to the end of the file's activity (second decryption, XML parsing, batches of 500
/// through <c>ImportBatchAsync</c>, the file's processed mark);</item>
/// <item>finish: to the run's end (counters, status, alerts).</item>
/// </list>
/// </summary>
internal sealed class RunPhases : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Lock _lock = new();
    private long? _fileStarted;
    private long? _fileStopped;
    private long? _evidenceStored;
    private long? _firstBatch;
    private long _batchTicks;
    private int _batches;
    private int _chunksWritten;
    private int _chunksRead;

    public RunPhases()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Connectors" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = Started,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Forgets what an earlier run recorded.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            (_fileStarted, _fileStopped, _evidenceStored, _firstBatch) = (null, null, null, null);
            (_batchTicks, _batches, _chunksWritten, _chunksRead) = (0, 0, 0, 0);
        }
    }

    /// <summary>The phase boundaries as <see cref="Stopwatch"/> timestamps, between the run's start and end.</summary>
    public Breakdown Of(long runStarted, long runEnded)
    {
        lock (_lock)
        {
            if (_fileStarted is not { } file || _evidenceStored is not { } stored || _firstBatch is not { } batch || _fileStopped is not { } done)
            {
                throw new InvalidOperationException("The run's phases were not all seen (no vendor file, evidence or batch activity).");
            }
            return new Breakdown(runStarted, file, stored, batch, done, runEnded,
                TimeSpan.FromSeconds((double)_batchTicks / Stopwatch.Frequency), _batches, _chunksWritten, _chunksRead);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Started(Activity activity)
    {
        if (activity.Source.Name != "Connectors")
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            switch (activity.OperationName)
            {
                case "Import vendor file":
                    _fileStarted ??= now;
                    break;
                case "Import batch":
                    _firstBatch ??= now;
                    break;
            }
        }
    }

    private void Stopped(Activity activity)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (activity.Source.Name == "Connectors")
            {
                switch (activity.OperationName)
                {
                    case "Import vendor file":
                        _fileStopped = now;
                        break;
                    case "Import batch":
                        _batches++;
                        _batchTicks += (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency);
                        break;
                }
                return;
            }
            var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? "";
            if (text.StartsWith("INSERT INTO evidence_chunks", StringComparison.Ordinal))
            {
                _chunksWritten++;
            }
            else if (text.StartsWith("SELECT data FROM evidence_chunks", StringComparison.Ordinal))
            {
                _chunksRead++;
            }
            else if (text.StartsWith("INSERT INTO evidence_files", StringComparison.Ordinal))
            {
                _evidenceStored ??= now;
            }
        }
    }

    /// <summary>Timestamps of the phase boundaries and what happened in them.</summary>
    public sealed record Breakdown(long RunStarted, long FileStarted, long EvidenceStored, long FirstBatch, long FileDone, long RunEnded,
        TimeSpan InBatches, int Batches, int ChunksWritten, int ChunksRead)
    {
        public IReadOnlyList<(string Name, long From, long To)> Phases =>
        [
            ("setup (run record, PGP key check, SFTP login + listing)", RunStarted, FileStarted),
            ("download + evidence (SFTP → SHA-256 → chunks in PostgreSQL)", FileStarted, EvidenceStored),
            ("verify pass (decrypt all, check the MDC; nothing imported)", EvidenceStored, FirstBatch),
            ("parse + import (decrypt again, parse, batches of 500)", FirstBatch, FileDone),
            ("finish (counters, status)", FileDone, RunEnded),
        ];
    }
}
