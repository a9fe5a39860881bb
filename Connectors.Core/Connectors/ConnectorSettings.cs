using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Sources.Hr;

namespace Connectors.Connectors;

/// <summary>Typed settings per connector type, stored as JSON on the connector.</summary>
public static class ConnectorSettings
{
    /// <summary>The settings type of each connector type that has settings.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [ConnectorTypes.Hr] = typeof(HrSettings),
    };

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

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
            return ("{}", errors);
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
        if (typed is HrSettings hr)
        {
            foreach (var (key, messages) in hr.Validate())
            {
                errors[key] = messages;
            }
        }
        return (JsonSerializer.Serialize(typed, settingsType, Strict), errors);
    }
}
