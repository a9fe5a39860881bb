namespace Connectors.Governance.Dlp;

/// <summary>What a DLP policy does when an item meets it.</summary>
public enum DlpAction
{
    /// <summary>The match is recorded and listed.</summary>
    Flag,
    /// <summary>Recorded, and an alert is raised (values masked).</summary>
    Alert,
}

/// <summary>A sensitive information type an administrator defined: a pattern and the words that raise confidence.</summary>
public sealed class DlpCustomType
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Pattern { get; set; }
    public List<string> Keywords { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The id policies name it by.</summary>
    public string TypeId => $"custom:{Name}";
}

/// <summary>
/// Looks for sensitive information in items (body, subject and extractable attachment text) of its scope,
/// during import and on demand over what is already archived.
/// </summary>
public sealed class DlpPolicy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Sensitive information type ids (built-in ids or <c>custom:&lt;name&gt;</c>).</summary>
    public List<string> InfoTypes { get; set; } = [];
    /// <summary>Connectors in scope; empty means every connector.</summary>
    public List<Guid> ConnectorIds { get; set; } = [];
    /// <summary>Source types in scope; empty means every type.</summary>
    public List<string> SourceTypes { get; set; } = [];
    public int MinimumCount { get; set; } = 1;
    public DlpConfidence MinimumConfidence { get; set; } = DlpConfidence.Medium;
    public DlpAction Action { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Covers(Guid connectorId, string sourceType) =>
        (ConnectorIds.Count == 0 || ConnectorIds.Contains(connectorId))
        && (SourceTypes.Count == 0 || SourceTypes.Contains(sourceType, StringComparer.OrdinalIgnoreCase));
}

/// <summary>One sensitive information type found in one item by one policy. Values are stored masked only.</summary>
public sealed class DlpMatch
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public Guid PolicyId { get; set; }
    public required string InfoType { get; set; }
    public int Count { get; set; }
    public DlpConfidence Confidence { get; set; }
    /// <summary>JSON array of locations: section, offset, length, masked value, confidence.</summary>
    public required string Locations { get; set; }
    public Guid ConnectorId { get; set; }
    public long? RunId { get; set; }
    public DateTimeOffset DetectedAt { get; set; }
}
