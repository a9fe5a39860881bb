using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectors.Tests;

internal static class Json
{
    /// <summary>The API's wire format: camelCase with enums as strings.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
