namespace Connectors.Sources.Slack;

/// <summary>The ceilings that keep an untrusted Slack export ZIP from exhausting memory or disk.</summary>
public static class SlackLimits
{
    /// <summary>The most bytes one ZIP entry may decompress to (a day file, users.json…).</summary>
    public const long MaxEntryBytes = 512L * 1024 * 1024;

    /// <summary>The most entries an archive may list; above it the archive is refused.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The largest uncompressed-to-compressed ratio accepted for an entry over <see cref="RatioCheckFromBytes"/>.</summary>
    public const long MaxCompressionRatio = 200;

    /// <summary>Entries up to this size are not judged by their ratio (small JSON compresses very well).</summary>
    public const long RatioCheckFromBytes = 1024L * 1024;

    /// <summary>The largest single JSON value (one message, one user) held in memory.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    /// <summary>How deeply a message's JSON may nest (rich-text blocks nest a few levels).</summary>
    public const int MaxJsonDepth = 128;
}
