using System.Text.Json;
using System.Text.Json.Serialization;
using Connectors.Data;

namespace Connectors.Audit;

public static class AuditTrail
{
    /// <summary>camelCase with enums by name, so the trail reads the same in ten years whatever the enum order.</summary>
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Adds an audit record to the context, so it is saved by the same SaveChanges (one transaction) as
    /// the change it describes. <paramref name="details"/> must never contain secret values.
    /// </summary>
    public static void Record(this ConnectorsDbContext db, Actor actor, string action, string targetType, string? targetId,
        object? details = null, TimeProvider? clock = null)
    {
        db.AuditRecords.Add(new AuditRecord
        {
            At = (clock ?? TimeProvider.System).GetUtcNow(),
            Actor = actor.Name,
            ClientAddress = actor.ClientAddress,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Details = details is null ? null : JsonSerializer.Serialize(details, DetailsJson),
        });
    }
}
