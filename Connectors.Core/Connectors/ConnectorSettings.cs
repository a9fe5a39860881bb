using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Sources.Files;
using Connectors.Sources.Hr;

namespace Connectors.Connectors;

/// <summary>Typed settings per connector type, stored as JSON on the connector.</summary>
public static class ConnectorSettings
{
    /// <summary>The settings type of each connector type that has settings.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [ConnectorTypes.Hr] = typeof(HrSettings),
        [ConnectorTypes.InstantBloomberg] = typeof(VendorFileSettings),
        [ConnectorTypes.BloombergMessage] = typeof(VendorFileSettings),
        [ConnectorTypes.IceChat] = typeof(VendorFileSettings),
        [ConnectorTypes.RefinitivMessenger] = typeof(VendorFileSettings),
        [ConnectorTypes.Slack] = typeof(VendorFileSettings),
        [ConnectorTypes.Zoom] = typeof(Sources.Zoom.ZoomSettings),
        [ConnectorTypes.CiscoJabber] = typeof(Sources.Jabber.JabberSettings),
        [ConnectorTypes.Twitter] = typeof(Sources.Social.X.XSettings),
        [ConnectorTypes.LinkedIn] = typeof(Sources.Social.LinkedIn.LinkedInSettings),
        [ConnectorTypes.Facebook] = typeof(Sources.Social.Facebook.FacebookSettings),
    };

    /// <summary>Types whose settings have required fields: leaving settings out is validated as <c>{}</c>.</summary>
    private static bool NeedsSettings(string type) =>
        Types.TryGetValue(type, out var t) && (t == typeof(VendorFileSettings) || typeof(IConnectorSettings).IsAssignableFrom(t));

    /// <summary>Types whose credentials are the SFTP/PGP/token shape of <see cref="VendorFileCredentials"/>.</summary>
    private static bool UsesVendorCredentials(string type) => Types.TryGetValue(type, out var t) && t == typeof(VendorFileSettings);

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Validates credentials an administrator sent for <paramref name="type"/>: the JSON to protect (null for none)
    /// or the problems keyed by field. Types without a known shape accept any object.
    /// </summary>
    public static (string? Json, Dictionary<string, string[]> Errors) NormalizeCredentials(string type, JsonElement credentials)
    {
        var errors = new Dictionary<string, string[]>();
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            errors["credentials"] = ["Credentials must be a JSON object."];
            return (null, errors);
        }
        if (!credentials.EnumerateObject().Any())
        {
            return (null, errors);
        }
        if (!UsesVendorCredentials(type))
        {
            return (credentials.GetRawText(), errors);
        }
        try
        {
            var typed = credentials.Deserialize<VendorFileCredentials>(Strict)!;
            foreach (var (key, messages) in typed.Validate())
            {
                errors[key] = messages;
            }
            return (JsonSerializer.Serialize(typed, Strict), errors);
        }
        catch (JsonException ex)
        {
            errors[ex.Path is { Length: > 1 } path ? "credentials" + path[1..] : "credentials"] = [ex.Message];
            return (null, errors);
        }
    }

    public static T Read<T>(Connector connector) where T : class =>
        JsonSerializer.Deserialize<T>(connector.Settings, Strict)
        ?? throw new InvalidOperationException($"Connector {connector.Id} has no settings.");

    /// <summary>
    /// Validates settings an administrator sent for <paramref name="type"/> and returns them normalised,
    /// or the problems keyed by field.
    /// </summary>
    public static (string Json, Dictionary<string, string[]> Errors) Normalize(string type, JsonElement? settings)
    {
        var errors = new Dictionary<string, string[]>();
        if (settings is not { ValueKind: not JsonValueKind.Null } value)
        {
            if (!NeedsSettings(type))
            {
                return ("{}", errors);
            }
            value = JsonDocument.Parse("{}").RootElement;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["settings"] = ["Settings must be a JSON object."];
            return ("{}", errors);
        }
        if (!Types.TryGetValue(type, out var settingsType))
        {
            if (value.EnumerateObject().Any())
            {
                errors["settings"] = [$"Connectors of type {type} have no settings yet."];
            }
            return ("{}", errors);
        }
        object? typed;
        try
        {
            typed = value.Deserialize(settingsType, Strict);
        }
        catch (JsonException ex)
        {
            errors[ex.Path is { Length: > 1 } path ? "settings" + path[1..] : "settings"] = [ex.Message];
            return ("{}", errors);
        }
        var problems = typed switch
        {
            HrSettings hr => hr.Validate(),
            VendorFileSettings files => files.Validate(type),
            IConnectorSettings other => other.Validate(type),
            _ => [],
        };
        foreach (var (key, messages) in problems)
        {
            errors[key] = messages;
        }
        return (JsonSerializer.Serialize(typed, settingsType, Strict), errors);
    }
}
