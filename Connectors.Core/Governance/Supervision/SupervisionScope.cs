namespace Connectors.Governance.Supervision;

/// <summary>
/// Which items a supervision policy looks at: items from <see cref="SourceTypes"/> (empty means every
/// source) with at least one of <see cref="People"/> taking part (account emails; empty means everyone).
/// Both compare without regard to case or surrounding spaces.
/// </summary>
public sealed record SupervisionScope(IReadOnlyList<string> SourceTypes, IReadOnlyList<string> People)
{
    /// <summary>Every source and everyone.</summary>
    public static SupervisionScope Everything { get; } = new([], []);

    /// <summary>Whether an item of this source type, with these participants, is in scope.</summary>
    public bool Covers(string sourceType, IEnumerable<string> participantEmails)
    {
        ArgumentNullException.ThrowIfNull(sourceType);
        ArgumentNullException.ThrowIfNull(participantEmails);
        if (SourceTypes.Count > 0 && !SourceTypes.Any(s => Same(s, sourceType)))
        {
            return false;
        }
        return People.Count == 0 || participantEmails.Any(e => e is not null && People.Any(p => Same(p, e)));
    }

    private static bool Same(string? a, string b) =>
        a is not null && a.AsSpan().Trim().Equals(b.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase);
}
