using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Connectors.Benchmarks;

/// <summary>
/// Where a path's time goes, statement by statement, without touching the code under test: Npgsql emits
/// an activity per command and per COPY, and this listener adds up their durations per statement text.
/// Time outside all statements is the client's own work (parsing, hashing, mapping, EF change tracking).
/// </summary>
internal sealed partial class StatementProfiler : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Dictionary<(string Path, string Statement), Totals> _totals = [];
    private string? _path;

    public StatementProfiler()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Attributes the statements that follow to <paramref name="path"/> until <see cref="Stop"/>.</summary>
    public void Start(string path)
    {
        lock (_totals)
        {
            _path = path;
        }
    }

    public void Stop()
    {
        lock (_totals)
        {
            _path = null;
        }
    }

    /// <summary>The statements of <paramref name="path"/>, most expensive first.</summary>
    public IReadOnlyList<(string Statement, long Count, TimeSpan Total)> Of(string path)
    {
        lock (_totals)
        {
            return _totals.Where(t => t.Key.Path == path)
                .Select(t => (t.Key.Statement, t.Value.Count, t.Value.Total))
                .OrderByDescending(t => t.Total)
                .ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
        var statement = Shorten(text);
        lock (_totals)
        {
            if (_path is null)
            {
                return;
            }
            var totals = _totals.TryGetValue((_path, statement), out var found) ? found : new Totals();
            totals.Count++;
            totals.Total += activity.Duration;
            _totals[(_path, statement)] = totals;
        }
    }

    /// <summary>The first words of a statement, enough to tell the statements of a path apart.</summary>
    private static string Shorten(string text)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        return flat.Length <= 72 ? flat : flat[..71] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class Totals
    {
        public long Count { get; set; }
        public TimeSpan Total { get; set; }
    }
}
