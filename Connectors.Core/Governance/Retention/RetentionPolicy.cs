namespace Connectors.Governance.Retention;

/// <summary>What a retention policy covers.</summary>
public enum RetentionScope
{
    /// <summary>Every archived item.</summary>
    Organization,
    /// <summary>Items one connector imported (<see cref="RetentionPolicy.ScopeValue"/> is its id).</summary>
    Connector,
    /// <summary>Items of one source type (Slack, InstantBloomberg…).</summary>
    SourceType,
    /// <summary>Items of an item class; a trailing <c>*</c> matches a prefix (<c>ipm.externaldata.slack*</c>).</summary>
    ItemClass,
}

/// <summary>What happens when the retention period of an item ends.</summary>
public enum RetentionAction
{
    /// <summary>The sweeper deletes it (audited), unless it is held or pending review.</summary>
    Delete,
    /// <summary>A person decides: the item waits in disposition review and is kept until then.</summary>
    DispositionReview,
    /// <summary>Kept at least this long, nothing happens after.</summary>
    RetainOnly,
}

/// <summary>
/// Keeps items for a period from their sent date, then deletes them, sends them to disposition review or
/// does nothing. Where several policies cover an item, retention wins over deletion and the longest period
/// wins: the item is kept until the longest period ends; then it goes to review if any covering policy
/// reviews, else it is deleted if any covering policy deletes, else it stays.
/// </summary>
public sealed class RetentionPolicy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public RetentionScope Scope { get; set; }
    public string? ScopeValue { get; set; }
    public TimeSpan RetainFor { get; set; }
    public RetentionAction Action { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether the policy covers an item of this connector, source type and item class.</summary>
    public bool Covers(Guid connectorId, string sourceType, string itemClass) => Scope switch
    {
        RetentionScope.Organization => true,
        RetentionScope.Connector => Guid.TryParse(ScopeValue, out var id) && id == connectorId,
        RetentionScope.SourceType => string.Equals(ScopeValue, sourceType, StringComparison.OrdinalIgnoreCase),
        RetentionScope.ItemClass => ScopeValue is { } pattern && (pattern.EndsWith('*')
            ? itemClass.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, itemClass, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary>
    /// What happens to an item the enabled policies cover: kept until the longest period ends, then the strongest
    /// action of any covering policy (review, then delete). Null when no enabled policy covers it (kept indefinitely).
    /// </summary>
    public static RetentionDecision? Decide(IEnumerable<RetentionPolicy> policies, Guid connectorId, string sourceType, string itemClass)
    {
        var covering = policies.Where(p => p.Enabled && p.Covers(connectorId, sourceType, itemClass)).ToList();
        if (covering.Count == 0)
        {
            return null;
        }
        var longest = covering.Max(p => p.RetainFor);
        var acting = covering.Where(p => p.Action == RetentionAction.DispositionReview).OrderByDescending(p => p.RetainFor).ThenBy(p => p.Id).FirstOrDefault()
            ?? covering.Where(p => p.Action == RetentionAction.Delete).OrderByDescending(p => p.RetainFor).ThenBy(p => p.Id).FirstOrDefault();
        return acting is null
            ? new RetentionDecision(longest, RetentionAction.RetainOnly, covering.OrderByDescending(p => p.RetainFor).ThenBy(p => p.Id).First())
            : new RetentionDecision(longest, acting.Action, acting);
    }
}

/// <summary>How long an item is kept, what happens then, and the policy whose action it is (named in the audit trail).</summary>
public sealed record RetentionDecision(TimeSpan RetainFor, RetentionAction Action, RetentionPolicy Policy);

public enum DispositionState
{
    Pending,
    /// <summary>The reviewer approved deletion; the sweeper deletes it on its next pass (holds still win).</summary>
    Approved,
    /// <summary>The reviewer kept it, until <see cref="DispositionReview.RetainUntil"/> (or for good).</summary>
    Retained,
}

/// <summary>An item whose retention ended under a review policy, waiting for a person's decision.</summary>
public sealed class DispositionReview
{
    public long ItemId { get; set; }
    public Guid PolicyId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DispositionState State { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset? RetainUntil { get; set; }
    /// <summary>PostgreSQL's row version: two reviewers deciding one item at once cannot both win.</summary>
    public uint Version { get; set; }
}
