using Connectors.Data;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Sources.Hr;

/// <summary>
/// A person's current employee profile: the newest profile row received within the last
/// <see cref="FreshFor"/>. Older rows are kept (never deleted) but no longer count as current.
/// </summary>
public static class HrProfiles
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromDays(30);

    /// <summary>The current profile of the account, or null when none was received or refreshed in the last 30 days.</summary>
    public static Task<HrSignal?> CurrentAsync(ConnectorsDbContext db, Guid accountId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Newest(Fresh(db, now).Where(s => s.AccountId == accountId), cancellationToken);

    /// <summary>The current profile for the email address (as written in the HR file, any case), or null.</summary>
    public static Task<HrSignal?> CurrentAsync(ConnectorsDbContext db, string emailAddress, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Stored as received: compare case-insensitively without defeating the index for the usual lower-case case.
        var lower = emailAddress.Trim().ToLowerInvariant();
        return Newest(Fresh(db, now).Where(s => s.EmailAddress == emailAddress.Trim() || s.EmailAddress.ToLower() == lower), cancellationToken);
    }

    private static IQueryable<HrSignal> Fresh(ConnectorsDbContext db, DateTimeOffset now)
    {
        var since = now - FreshFor;
        const string profile = nameof(HrScenario.EmployeeProfile);
        return db.HrSignals.AsNoTracking().Where(s => s.Scenario == profile && s.RefreshedAt > since && s.RefreshedAt <= now);
    }

    private static Task<HrSignal?> Newest(IQueryable<HrSignal> query, CancellationToken cancellationToken) =>
        query.OrderByDescending(s => s.RefreshedAt).ThenByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken);
}
