namespace Connectors.Governance.Dlp;

/// <summary>A run of ASCII digits inside a <see cref="DigitRuns"/> run.</summary>
internal readonly record struct DigitGroup(int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>
/// Splits text into numbers as people write them: groups of digits joined by single spaces ("4111 1111 1111 1111")
/// or single dashes ("123-45-6789"), never glued to letters or to a longer number. Number-shaped finders share it
/// so that "digits inside a longer run" is judged the same way for every type.
/// </summary>
/// <remarks>
/// In a space-joined run each group is its own token, so a value may be any consecutive groups
/// ("4111 1111 1111 1111 12/25" still holds a card). A dash-joined run is one token and must be matched whole.
/// </remarks>
internal struct DigitRuns(string text)
{
    private int position;

    /// <summary>The groups of the current run.</summary>
    public List<DigitGroup> Groups { get; } = [];

    /// <summary>The separator of the current run: ' ', '-', or '\0' for a single group.</summary>
    public char Separator { get; private set; }

    /// <summary>Moves to the next run; false at the end of the text.</summary>
    public bool MoveNext()
    {
        Groups.Clear();
        Separator = '\0';
        while (position < text.Length)
        {
            var found = text.AsSpan(position).IndexOfAnyInRange('0', '9');
            if (found < 0)
            {
                position = text.Length;
                return false;
            }

            var start = position + found;
            var end = DigitsEnd(start);
            position = end;
            if (!TextScan.IsStartBoundary(text, start))
            {
                continue;
            }

            var group = new DigitGroup(start, end - start);
            while (true)
            {
                var joined = end + 1 < text.Length
                    && text[end] is ' ' or '-'
                    && (Separator == '\0' || text[end] == Separator)
                    && char.IsAsciiDigit(text[end + 1]);
                if (joined)
                {
                    Separator = text[end];
                    Groups.Add(group);
                    var nextEnd = DigitsEnd(end + 1);
                    group = new DigitGroup(end + 1, nextEnd - end - 1);
                    end = nextEnd;
                    continue;
                }

                if (TextScan.IsEndBoundary(text, end))
                {
                    Groups.Add(group);
                    position = end;
                }
                else if (Separator == '-')
                {
                    // A dash-joined run is one token; glued to a word or a longer number, none of it stands free.
                    Groups.Clear();
                    position = end;
                }
                else
                {
                    // Space-joined groups are separate tokens: drop only the glued one, and let it start a new run.
                    position = Groups.Count > 0 ? group.Start : end;
                }

                break;
            }

            if (Groups.Count == 0)
            {
                continue;
            }

            if (Groups.Count == 1)
            {
                Separator = '\0';
            }

            return true;
        }

        return false;
    }

    private readonly int DigitsEnd(int index)
    {
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            index++;
        }

        return index;
    }
}
