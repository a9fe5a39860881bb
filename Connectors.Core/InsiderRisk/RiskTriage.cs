namespace Connectors.InsiderRisk;

/// <summary>Where an analyst has got to with a risk alert.</summary>
public enum RiskState
{
    /// <summary>Not yet decided.</summary>
    Open = 0,

    /// <summary>The analyst confirmed the risk.</summary>
    Confirmed = 1,

    /// <summary>The analyst decided it was not a risk.</summary>
    Dismissed = 2,
}

/// <summary>
/// The triage state machine: Open → Confirmed, Open → Dismissed, and Confirmed or Dismissed → Open (reopen).
/// Confirmed and Dismissed cannot switch directly, so every change of mind shows up as a reopen in the audit trail.
/// </summary>
public static class RiskTriage
{
    /// <summary>Returns why the change is not allowed, or null when it is.</summary>
    public static string? Transition(RiskState current, RiskState to)
    {
        if (!Enum.IsDefined(current) || !Enum.IsDefined(to))
        {
            return "Unknown triage state.";
        }

        if (current == to)
        {
            return $"The alert is already {Name(to)}.";
        }

        return current == RiskState.Open || to == RiskState.Open
            ? null
            : $"A {Name(current)} alert must be reopened before it can be {Name(to)}.";
    }

    private static string Name(RiskState state) => state.ToString().ToLowerInvariant();
}
