using System.Text.RegularExpressions;

namespace Connectors.Governance.Dlp;

/// <summary>
/// A place in scanned text that has the shape of a sensitive value and still has to be validated.
/// </summary>
/// <param name="Offset">Where the candidate starts, in characters from the start of the section.</param>
/// <param name="Length">How many characters it spans, separators included.</param>
/// <param name="Confidence">Overrides the type's confidence for this candidate (for example a bare 9-digit SSN).</param>
/// <param name="ConfidenceWithKeyword">Overrides the type's confidence when a keyword is near this candidate.</param>
public readonly record struct DlpCandidate(
    int Offset,
    int Length,
    DlpConfidence? Confidence = null,
    DlpConfidence? ConfidenceWithKeyword = null);

/// <summary>Adds every candidate found in <paramref name="text"/> to <paramref name="candidates"/>.</summary>
public delegate void DlpCandidateFinder(string text, List<DlpCandidate> candidates);

/// <summary>Says whether a candidate's text (separators included) really is a value of the type.</summary>
public delegate bool DlpValidator(ReadOnlySpan<char> value);

/// <summary>
/// A kind of sensitive information the scanner looks for: how to find candidates, how to validate them, and how
/// confident a validated match is with and without one of the type's keywords nearby.
/// </summary>
public sealed class SensitiveInfoType
{
    /// <summary>How many characters either side of a match a keyword may be, unless a type says otherwise.</summary>
    public const int DefaultKeywordWindow = 300;

    /// <summary>The prefix of every custom type's <see cref="Id"/>.</summary>
    public const string CustomIdPrefix = "custom:";

    /// <summary>The longest custom pattern accepted.</summary>
    public const int MaxPatternLength = 1000;

    /// <summary>The longest custom type name accepted.</summary>
    public const int MaxNameLength = 100;

    /// <summary>How long a custom pattern may run on one section before the scan of that section gives up.</summary>
    public static readonly TimeSpan CustomMatchTimeout = TimeSpan.FromSeconds(2);

    private const RegexOptions CustomOptions =
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>Describes a type. Built-in types live in <see cref="BuiltInSensitiveInfoTypes"/>; see also <see cref="Custom"/>.</summary>
    public SensitiveInfoType(
        string id,
        string name,
        DlpCandidateFinder findCandidates,
        DlpValidator? validate,
        IEnumerable<string>? keywords,
        DlpConfidence confidence,
        DlpConfidence confidenceWithKeyword,
        int keywordWindow = DefaultKeywordWindow)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(findCandidates);
        ArgumentOutOfRangeException.ThrowIfNegative(keywordWindow);
        if (!Enum.IsDefined(confidence) || !Enum.IsDefined(confidenceWithKeyword))
        {
            throw new ArgumentException("Confidence must be Low, Medium or High.", nameof(confidence));
        }

        Id = id;
        Name = name;
        FindCandidates = findCandidates;
        Validate = validate ?? (static _ => true);
        Keywords = (keywords ?? [])
            .Select(k => k.Trim())
            .Where(k => k.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        LongestKeyword = Keywords.Count == 0 ? 0 : Keywords.Max(k => k.Length);
        Confidence = confidence;
        ConfidenceWithKeyword = confidenceWithKeyword;
        KeywordWindow = keywordWindow;
    }

    /// <summary>A stable identifier such as "credit-card" or "custom:&lt;name&gt;", safe to store.</summary>
    public string Id { get; }

    /// <summary>The name shown to people.</summary>
    public string Name { get; }

    /// <summary>Finds places that have the right shape.</summary>
    public DlpCandidateFinder FindCandidates { get; }

    /// <summary>Rejects candidates that have the right shape but are not real values (checksums, reserved ranges).</summary>
    public DlpValidator Validate { get; }

    /// <summary>Words or phrases (matched case-insensitively, as whole words) that make a nearby match more likely.</summary>
    public IReadOnlyList<string> Keywords { get; }

    /// <summary>How many characters either side of a match a keyword may be to count.</summary>
    public int KeywordWindow { get; }

    /// <summary>The length of the longest keyword, which bounds how far back a keyword search must look.</summary>
    internal int LongestKeyword { get; }

    /// <summary>The confidence of a validated match with no keyword nearby.</summary>
    public DlpConfidence Confidence { get; }

    /// <summary>The confidence of a validated match with a keyword nearby.</summary>
    public DlpConfidence ConfidenceWithKeyword { get; }

    /// <summary>The pattern of a custom type; null for built-in types.</summary>
    public string? Pattern { get; private init; }

    /// <summary>True for types an administrator defined.</summary>
    public bool IsCustom => Pattern is not null;

    /// <inheritdoc />
    public override string ToString() => Id;

    /// <summary>
    /// A type an administrator defines with a regular expression. The pattern runs on the non-backtracking engine,
    /// case-insensitively, so no pattern can make a scan take exponential time.
    /// </summary>
    /// <param name="name">The type's name; the id is "custom:" followed by the trimmed name.</param>
    /// <param name="pattern">A .NET regular expression without backreferences, lookarounds or atomic groups.</param>
    /// <param name="keywords">Words or phrases that raise confidence when near a match.</param>
    /// <param name="confidence">The confidence of a match with no keyword nearby.</param>
    /// <param name="confidenceWithKeyword">The confidence of a match with a keyword nearby.</param>
    /// <param name="keywordWindow">How many characters either side of a match a keyword may be.</param>
    /// <exception cref="ArgumentException">The name or the pattern is not acceptable; the message says why.</exception>
    public static SensitiveInfoType Custom(
        string name,
        string pattern,
        IEnumerable<string>? keywords = null,
        DlpConfidence confidence = DlpConfidence.Medium,
        DlpConfidence confidenceWithKeyword = DlpConfidence.High,
        int keywordWindow = DefaultKeywordWindow)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A custom sensitive information type needs a name.", nameof(name));
        }

        name = name.Trim();
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException(
                $"A custom sensitive information type name may be at most {MaxNameLength} characters.", nameof(name));
        }

        if (!TryCompile(pattern, out var regex, out var error))
        {
            throw new ArgumentException(error, nameof(pattern));
        }

        if (keywordWindow < 0)
        {
            throw new ArgumentException("The keyword window cannot be negative.", nameof(keywordWindow));
        }

        return new SensitiveInfoType(
            CustomIdPrefix + name,
            name,
            (text, candidates) => FindRegexMatches(regex, text, candidates),
            validate: null,
            keywords,
            confidence,
            confidenceWithKeyword,
            keywordWindow)
        {
            Pattern = pattern,
        };
    }

    /// <summary>
    /// Checks an administrator's pattern without building a type. On failure <paramref name="error"/> says what is
    /// wrong in words fit to show to that administrator.
    /// </summary>
    public static bool TryValidatePattern(string pattern, out string? error)
    {
        var valid = TryCompile(pattern, out _, out var message);
        error = valid ? null : message;
        return valid;
    }

    private static bool TryCompile(string? pattern, out Regex regex, out string error)
    {
        regex = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "The pattern is empty.";
            return false;
        }

        if (pattern.Length > MaxPatternLength)
        {
            error = $"The pattern is longer than {MaxPatternLength} characters.";
            return false;
        }

        try
        {
            regex = new Regex(pattern, CustomOptions, CustomMatchTimeout);
        }
        catch (NotSupportedException ex)
        {
            // The non-backtracking engine has no backreferences, lookarounds, atomic groups or conditionals.
            error = $"The pattern uses a construct that is not allowed (backreferences, lookarounds, atomic groups and conditionals are not supported): {ex.Message}";
            return false;
        }
        catch (ArgumentException ex)
        {
            error = $"The pattern is not a valid regular expression: {ex.Message}";
            return false;
        }

        if (regex.IsMatch(string.Empty))
        {
            error = "The pattern matches empty text, so it would match everywhere.";
            return false;
        }

        return true;
    }

    private static void FindRegexMatches(Regex regex, string text, List<DlpCandidate> candidates)
    {
        try
        {
            foreach (var match in regex.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    candidates.Add(new DlpCandidate(match.Index, match.Length));
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Keep what was found before the time ran out; the non-backtracking engine makes this rare.
        }
    }
}
