using Connectors.Connectors;

namespace Connectors.Sources.Files;

/// <summary>
/// How long until the vendor deletes files this connector has not collected: the vendor keeps each file for
/// <see cref="RetentionDays"/>, so the files delivered just after the last successful run are lost once that
/// many days have passed without another one.
/// </summary>
public sealed record SourceRetention(int RetentionDays, int AlertAfterDays, double DaysLeft, DateTimeOffset CollectedUntil)
{
    public bool AtRisk(DateTimeOffset now) => RetentionDays - DaysLeft >= AlertAfterDays;

    public static SourceRetention? For(Connector connector, DateTimeOffset now)
    {
        if (!VendorParsers.DeletingSources.Contains(connector.Type, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }
        VendorFileSettings settings;
        try
        {
            settings = ConnectorSettings.Read<VendorFileSettings>(connector);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        var since = connector.LastSuccessAt ?? connector.CreatedAt;
        var left = settings.SourceRetentionDays - (now - since).TotalDays;
        return new SourceRetention(settings.SourceRetentionDays, settings.RetentionAlertAfterDays, Math.Round(left, 1), since);
    }
}
