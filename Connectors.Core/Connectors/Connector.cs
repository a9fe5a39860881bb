namespace Connectors.Connectors;

/// <summary>Status as the reference product shows it; <see cref="Paused"/> only when an administrator disabled the connector.</summary>
public enum ConnectorStatus
{
    WaitingToStart,
    Active,
    Running,
    Warning,
    Error,
    NeedsReauth,
    Paused,
}

/// <summary>A configured source: what to import, when, and how it is doing.</summary>
public sealed class Connector
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Type { get; set; }
    public bool Enabled { get; set; } = true;
    public ConnectorSchedule Schedule { get; set; } = ConnectorSchedule.Daily;

    /// <summary>Per-type settings as JSON (validated by the type when written).</summary>
    public string Settings { get; set; } = "{}";

    /// <summary>How far back each run re-reads the source to catch late deliveries (dedup absorbs the overlap).</summary>
    public TimeSpan Lookback { get; set; } = DefaultLookback;

    public static readonly TimeSpan DefaultLookback = TimeSpan.FromDays(3);

    /// <summary>How people are mapped, the scope and the unmapped-item policy, as JSON (<see cref="Mapping.MappingSettings"/>).</summary>
    public string Mapping { get; set; } = "{}";

    /// <summary>Credentials encrypted with Data Protection; never returned or logged.</summary>
    public string? ProtectedCredentials { get; set; }

    /// <summary>The last status a run left behind; <see cref="ConnectorStatus.Paused"/> is derived from <see cref="Enabled"/>.</summary>
    public ConnectorStatus RunStatus { get; set; } = ConnectorStatus.WaitingToStart;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastImportAt { get; set; }
    public DateTimeOffset? NextRunAt { get; set; }

    /// <summary>Set by "run now" (and by uploads); cleared when a run starts.</summary>
    public DateTimeOffset? RunRequestedAt { get; set; }

    /// <summary>Why the requested run was asked for (run now, or an upload).</summary>
    public Runs.RunTrigger? RequestedTrigger { get; set; }

    /// <summary>The end of the last run that was not Failed; the staleness check measures from it.</summary>
    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>Failed runs in a row; drives the retry backoff and the escalating alert.</summary>
    public int ConsecutiveFailures { get; set; }

    public long ItemsImported { get; set; }
    public int LastRunErrors { get; set; }
    public string? LastError { get; set; }
    public long? LastRunId { get; set; }

    /// <summary>
    /// Fencing token: incremented when a run starts and checked on every commit, so a worker whose
    /// Redis lock silently expired cannot commit over a newer run.
    /// </summary>
    public long LeaseEpoch { get; set; }

    /// <summary>Deleting removes the configuration; runs and imported data stay, so the row stays as a tombstone.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    public ConnectorStatus Status => !Enabled ? ConnectorStatus.Paused : RunStatus;
}
