namespace Connectors.Governance.Supervision;

/// <summary>A set of terms an administrator maintains (one per line: words, <c>stem*</c>, "phrases").</summary>
public sealed class LexiconDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public List<string> Terms { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Communication-compliance policy: items of its scope whose text matches its lexicons are flagged for
/// review; a sampling percentage below 100 reviews a stable, deterministic share of them.
/// </summary>
public sealed class SupervisionPolicy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public List<Guid> LexiconIds { get; set; } = [];
    /// <summary>Source types in scope; empty means every type.</summary>
    public List<string> SourceTypes { get; set; } = [];
    /// <summary>Supervised people (account emails); empty means everyone.</summary>
    public List<string> People { get; set; } = [];
    public int SamplingPercent { get; set; } = 100;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public SupervisionScope Scope => new(SourceTypes, People);
}

public enum ReviewState
{
    Pending,
    Escalated,
    Resolved,
    FalsePositive,
}

public enum ReviewActionKind
{
    Resolve,
    Escalate,
    FalsePositive,
    /// <summary>A note without a change of state.</summary>
    Comment,
}

/// <summary>An item a supervision policy flagged, waiting in (or done with) the review queue.</summary>
public sealed class ReviewItem
{
    public long Id { get; set; }
    public Guid PolicyId { get; set; }
    public long ItemId { get; set; }
    /// <summary>JSON array of hits: section, lexicon, term, offset, length.</summary>
    public required string Hits { get; set; }
    public ReviewState State { get; set; }
    public DateTimeOffset FlaggedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long? RunId { get; set; }
    /// <summary>PostgreSQL's row version: two reviewers acting on one item at once cannot both win.</summary>
    public uint Version { get; set; }
}

/// <summary>What a reviewer did, when and why: the documented supervision FINRA Rule 3110 expects.</summary>
public sealed class ReviewAction
{
    public long Id { get; set; }
    public long ReviewItemId { get; set; }
    public ReviewActionKind Action { get; set; }
    public ReviewState FromState { get; set; }
    public ReviewState ToState { get; set; }
    public required string Reviewer { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Notes { get; set; }
}
