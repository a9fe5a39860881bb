namespace Connectors.Governance.Supervision;

/// <summary>A named list of terms a supervision policy looks for, such as "Off-channel communication".</summary>
public sealed record Lexicon(string Name, IReadOnlyList<LexiconTerm> Terms)
{
    /// <summary>A lexicon from terms written in code; throws <see cref="FormatException"/> on a bad term.</summary>
    public static Lexicon Of(string name, params string[] terms) =>
        new(name, terms.Select(LexiconTerm.Parse).Distinct().ToArray());
}
