using System.ComponentModel;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Connectors.Connectors;

namespace Connectors.Sources.Jabber;

/// <summary>
/// Settings of a Cisco Jabber connector: where the IM and Presence external compliance database is and how to
/// read it. The password is not here: it is the connector's credentials (<see cref="JabberCredentials"/>).
/// The database is usually on the internal network, so no address is refused; the connection is read-only.
/// </summary>
public sealed partial record JabberSettings(
    [property: Description("Host name or address of the external compliance database server.")] string? ConnectionHost = null,
    [property: Description("Database server port. Default 5432 (PostgreSQL).")] int Port = 5432,
    [property: Description("Name of the external compliance database that IM and Presence writes to.")] string? Database = null,
    [property: Description("Database login with read access to the compliance tables.")] string? Username = null,
    [property: Description("TLS to the database: Disable, Allow, Prefer, Require (encrypted, certificate not checked), VerifyCA or VerifyFull. Default Require.")] string SslMode = "Require",
    [property: Description("Database product. Only PostgreSql is supported for now (Oracle and SqlServer later).")] string Provider = JabberSettings.PostgreSql,
    [property: Description("Schema holding the Cisco tables. Default public.")] string Schema = "public",
    [property: Description("The IM and Presence cluster or domain (e.g. cup.contoso.com): it scopes every item's key.")] string? SourceAccount = null,
    [property: Description("IANA time zone of the database's timestamps without a zone. Default UTC.")] string TimeZone = "UTC",
    [property: Description("ISO 8601 duration: alert when a table's imported rows lag its newest row by more than this after a run. Default PT6H.")] string BehindAlertAfter = "PT6H",
    [property: Description("Rows read and committed together. Default 1000.")] int PageSize = 1000,
    [property: Description("Rows read from each table in one run; the rest follow in a run scheduled a minute later. Default 100000.")] int MaxRowsPerTablePerRun = 100_000)
    : IConnectorSettings
{
    public const string PostgreSql = "PostgreSql";

    /// <summary>The products the compliance database can be on, and whether this version reads them.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Providers = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase)
    {
        [PostgreSql] = true,
        ["Oracle"] = false,
        ["SqlServer"] = false,
    };

    public static readonly IReadOnlyList<string> SslModes = ["Disable", "Allow", "Prefer", "Require", "VerifyCA", "VerifyFull"];

    /// <summary>The lag that raises the "falling behind" alert.</summary>
    public TimeSpan BehindThreshold() => XmlConvert.ToTimeSpan(BehindAlertAfter);

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public Dictionary<string, string[]> Validate(string type)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(ConnectionHost) || ConnectionHost.Length > 253 || ConnectionHost.Any(char.IsWhiteSpace))
        {
            errors["settings.connectionHost"] = ["The database host name or address is required."];
        }
        if (Port is < 1 or > 65535)
        {
            errors["settings.port"] = ["The port must be between 1 and 65535."];
        }
        if (string.IsNullOrWhiteSpace(Database))
        {
            errors["settings.database"] = ["The name of the external compliance database is required."];
        }
        if (string.IsNullOrWhiteSpace(Username))
        {
            errors["settings.username"] = ["The database login is required."];
        }
        if (!SslModes.Contains(SslMode, StringComparer.OrdinalIgnoreCase))
        {
            errors["settings.sslMode"] = [$"One of {string.Join(", ", SslModes)}."];
        }
        if (!Providers.TryGetValue(Provider, out var supported))
        {
            errors["settings.provider"] = [$"One of {string.Join(", ", Providers.Keys)}."];
        }
        else if (!supported)
        {
            errors["settings.provider"] = [$"{Provider} compliance databases are not supported yet; only {PostgreSql} is."];
        }
        if (!Identifier().IsMatch(Schema))
        {
            errors["settings.schema"] = ["A schema name: letters, digits and underscores, not starting with a digit."];
        }
        if (string.IsNullOrWhiteSpace(SourceAccount))
        {
            errors["settings.sourceAccount"] = ["The IM and Presence cluster or domain is required: it scopes every item's key."];
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors["settings.timeZone"] = [$"'{TimeZone}' is not a known time zone (use an IANA id such as UTC or America/New_York)."];
        }
        TimeSpan? behind = null;
        try
        {
            behind = BehindThreshold();
        }
        catch (FormatException)
        {
        }
        if (behind is not { } b || b <= TimeSpan.Zero)
        {
            errors["settings.behindAlertAfter"] = [$"'{BehindAlertAfter}' is not a positive ISO 8601 duration (e.g. PT6H)."];
        }
        if (PageSize is < 1 or > 10_000)
        {
            errors["settings.pageSize"] = ["Between 1 and 10000 rows."];
        }
        if (MaxRowsPerTablePerRun < PageSize || MaxRowsPerTablePerRun > 10_000_000)
        {
            errors["settings.maxRowsPerTablePerRun"] = ["At least the page size and at most 10000000 rows."];
        }
        return errors;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}

/// <summary>The secret of a Cisco Jabber connector, stored encrypted and never returned or logged: <c>{ "password": "…" }</c>.</summary>
public sealed record JabberCredentials(string? Password = null)
{
    public static JabberCredentials Read(string? json) =>
        json is null ? new() : JsonSerializer.Deserialize<JabberCredentials>(json, JsonSerializerOptions.Web) ?? new();

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(Password))
        {
            errors["credentials.password"] = ["The database password is required."];
        }
        return errors;
    }

    /// <summary>Never print the password, whatever logs or formats a record.</summary>
    public override string ToString() => "JabberCredentials { Password = *** }";
}
