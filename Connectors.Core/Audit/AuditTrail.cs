using System.Text.Json;
using Connectors.Data;

namespace Connectors.Audit;

public static class AuditTrail
{
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
            Details = details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        });
    }
}
