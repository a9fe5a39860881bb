using Connectors.Audit;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Governance.Holds;

/// <summary>Placing and releasing holds, each audited in the same transaction.</summary>
public static class Holds
{
    public sealed record Request(string? Name, string? Description, string? Custodian, Guid? ConnectorId, string? SourceType,
        DateTimeOffset? SentFrom, DateTimeOffset? SentTo);

    /// <summary>Validates and places a hold; errors are keyed by the request field at fault.</summary>
    public static async Task<(LegalHold? Hold, Dictionary<string, string[]> Errors)> PlaceAsync(ConnectorsDbContext db, Request request,
        Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }
        if (request.Description is { Length: > 2000 })
        {
            errors["description"] = ["At most 2000 characters."];
        }
        Guid? accountId = null;
        if (!string.IsNullOrWhiteSpace(request.Custodian))
        {
            var email = request.Custodian.Trim().ToLowerInvariant();
            accountId = await db.Accounts.Where(a => a.Email == email).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(cancellationToken);
            if (accountId is null)
            {
                errors["custodian"] = [$"No directory account has the address {request.Custodian}."];
            }
        }
        if (request.ConnectorId is { } connectorId && !await db.Connectors.AnyAsync(c => c.Id == connectorId, cancellationToken))
        {
            errors["connectorId"] = [$"Connector {connectorId} does not exist."];
        }
        if (request.SourceType is { } type && Connectors.ConnectorTypes.Find(type) is null)
        {
            errors["sourceType"] = [$"Unknown source type {type}."];
        }
        if (request is { SentFrom: { } from, SentTo: { } to } && to <= from)
        {
            errors["sentTo"] = ["The end of the date range must be after its start."];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var now = clock.GetUtcNow();
        var hold = new LegalHold
        {
            Name = request.Name!.Trim(), Description = request.Description?.Trim(), AccountId = accountId, ConnectorId = request.ConnectorId,
            SourceType = request.SourceType is null ? null : Connectors.ConnectorTypes.Find(request.SourceType)!.Id,
            SentFrom = request.SentFrom?.ToUniversalTime(), SentTo = request.SentTo?.ToUniversalTime(), CreatedAt = now, CreatedBy = actor.Name,
        };
        db.LegalHolds.Add(hold);
        db.Record(actor, AuditActions.HoldPlaced, "legal-hold", hold.Id.ToString(),
            new { hold.Name, custodian = request.Custodian, hold.ConnectorId, hold.SourceType, hold.SentFrom, hold.SentTo }, clock);
        await db.SaveChangesAsync(cancellationToken);
        return (hold, errors);
    }

    /// <summary>Releases an active hold; returns null when there is no such hold, or an error when it is already released.</summary>
    public static async Task<(LegalHold? Hold, string? Error)> ReleaseAsync(ConnectorsDbContext db, Guid id, string? reason, Actor actor,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var hold = await db.LegalHolds.SingleOrDefaultAsync(h => h.Id == id, cancellationToken);
        if (hold is null)
        {
            return (null, null);
        }
        if (!hold.Active)
        {
            return (hold, $"Hold {hold.Name} was already released on {hold.ReleasedAt:u}.");
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 2000)
        {
            return (hold, "A reason of 1 to 2000 characters is required to release a hold.");
        }
        (hold.ReleasedAt, hold.ReleasedBy, hold.ReleaseReason) = (clock.GetUtcNow(), actor.Name, reason.Trim());
        db.Record(actor, AuditActions.HoldReleased, "legal-hold", hold.Id.ToString(), new { hold.Name, reason = hold.ReleaseReason }, clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (hold, $"Hold {hold.Name} was released by someone else meanwhile.");
        }
        return (hold, null);
    }

    /// <summary>Accounts that are custodians of an active hold (the "users on hold" connector scope).</summary>
    public static Task<List<Guid>> CustodiansAsync(ConnectorsDbContext db, CancellationToken cancellationToken) =>
        db.LegalHolds.Where(h => h.ReleasedAt == null && h.AccountId != null).Select(h => h.AccountId!.Value).Distinct().ToListAsync(cancellationToken);
}
