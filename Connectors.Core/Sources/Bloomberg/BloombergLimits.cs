namespace Connectors.Sources.Bloomberg;

/// <summary>Limits the Bloomberg parsers apply to untrusted delivered XML.</summary>
public static class BloombergLimits
{
    /// <summary>
    /// The largest raw XML one element (a message, a chat event, a disclaimer) may take. A larger element
    /// becomes a <see cref="Files.ParseFailure"/> instead of being held in memory.
    /// </summary>
    public const long MaxElementBytes = 16L * 1024 * 1024;
}
