using System.Diagnostics;
using System.Globalization;

namespace Connectors.Benchmarks;

/// <summary>
/// Samples this process's memory on a background thread: resident set (the working set, from /proc/self/statm)
/// and the managed heap (<see cref="GC.GetTotalMemory(bool)"/> without collecting: live objects plus garbage
/// not yet collected, which is what the heap holds at that moment). The kernel's own high-water mark of the
/// resident set (VmHWM, <see cref="Process.PeakWorkingSet64"/>) catches what falls between samples; it is
/// reset when sampling starts (Linux: <c>5</c> into /proc/self/clear_refs), so it covers the sampled span only.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly List<Sample> _samples = [];
    private readonly Dictionary<long, FullCollection> _fullCollections = [];
    private readonly long _firstCollection = Math.Max(LastFull(GCKind.FullBlocking).Index, LastFull(GCKind.Background).Index);
    private readonly Thread _thread;
    private readonly TimeSpan _interval;
    private volatile bool _stopping;

    public readonly record struct Sample(long Timestamp, long WorkingSet, long ManagedHeap);

    /// <summary>A gen2 collection seen while sampling: what survived it is the managed heap's live size at that moment.</summary>
    public readonly record struct FullCollection(long Index, bool Background, long Survived, TimeSpan Pause);

    /// <summary>The gen2 collections (blocking or background) that ended while sampling, in order.</summary>
    public IReadOnlyList<FullCollection> FullCollections => _fullCollections.Values.OrderBy(c => c.Index).ToList();

    private MemorySampler(TimeSpan interval)
    {
        _interval = interval;
        _thread = new Thread(Loop) { IsBackground = true, Name = "memory sampler", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Whether the kernel's peak could be reset, so <see cref="PeakWorkingSet"/> is the sampled span's peak.</summary>
    public bool PeakReset { get; private init; }

    public static MemorySampler Start(TimeSpan interval)
    {
        var sampler = new MemorySampler(interval) { PeakReset = ResetPeakWorkingSet() };
        sampler._thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling (a last sample is taken) and returns every sample in time order.</summary>
    public IReadOnlyList<Sample> Stop()
    {
        _stopping = true;
        _thread.Join();
        return _samples;
    }

    public void Dispose()
    {
        if (!_stopping)
        {
            Stop();
        }
    }

    /// <summary>The resident set now, in bytes.</summary>
    public static long WorkingSet()
    {
        // statm: size resident shared text lib data dt, in pages.
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>The kernel's high-water mark of the resident set (since the process started or the last reset).</summary>
    public static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    private static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static GCMemoryInfo LastFull(GCKind kind) => GC.GetGCMemoryInfo(kind);

    private void Loop()
    {
        while (true)
        {
            var stopping = _stopping;
            _samples.Add(new Sample(Stopwatch.GetTimestamp(), WorkingSet(), GC.GetTotalMemory(forceFullCollection: false)));
            foreach (var kind in (ReadOnlySpan<GCKind>)[GCKind.FullBlocking, GCKind.Background])
            {
                // Only the latest of each kind is kept by the runtime; two of a kind within one interval would show as one.
                var info = LastFull(kind);
                if (info.Index > _firstCollection)
                {
                    _fullCollections.TryAdd(info.Index, new FullCollection(info.Index, kind == GCKind.Background, info.PromotedBytes,
                        info.PauseDurations.Length > 0 ? info.PauseDurations[0] : TimeSpan.Zero));
                }
            }
            if (stopping)
            {
                return;
            }
            Thread.Sleep(_interval);
        }
    }
}
