using System.Security.Cryptography;
using Connectors.Api.Connectors;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Mapping;
using Connectors.Runs;
using Connectors.Security;
using Connectors.Sources.Hr;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StackExchange.Redis;

namespace Connectors.Api.Mapping;

/// <summary>
/// The organisation directory: the accounts that have archive mailboxes. Loaded one account at a time or
/// as a CSV file (Email, DisplayName, Enabled); the email is the key, so loading the same file twice
/// changes nothing.
/// </summary>
public static class DirectoryApi
{
    /// <summary>100,000 rows of email and display name fit well within this; bigger bodies are refused unread.</summary>
    public const long MaxUploadBytes = 32L * 1024 * 1024;

    public const string EmailColumn = "Email";
    public const string DisplayNameColumn = "DisplayName";
    public const string EnabledColumn = "Enabled";

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/compliance/directory").WithTags("Directory").RequireAuthorization(Policies.View);
        group.MapGet("/accounts", List);
        group.MapGet("/accounts/{email}", Get);
        group.MapPost("/accounts", Upsert).RequireAuthorization(Policies.Configure);
        group.MapPost("/accounts/import", Import)
            .RequireAuthorization(Policies.Configure)
            .AcceptsUpload(MaxUploadBytes);
        return app;
    }

    /// <summary>Accounts in email order; <c>search</c> matches the start of the email.</summary>
    public static async Task<Results<Ok<Page<AccountDto>>, ValidationProblem>> List(
        ConnectorsDbContext db, int? limit, string? after, string? search, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.Accounts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var prefix = search.Trim().ToLowerInvariant();
            query = query.Where(a => a.Email.StartsWith(prefix));
        }
        if (!string.IsNullOrEmpty(after))
        {
            var cursor = after.ToLowerInvariant();
            query = query.Where(a => a.Email.CompareTo(cursor) > 0);
        }
        var accounts = await query.OrderBy(a => a.Email).Take(take + 1).ToListAsync(ct);
        var next = accounts.Count > take ? accounts[take - 1].Email : null;
        return TypedResults.Ok(new Page<AccountDto>(accounts.Take(take).Select(AccountDto.From).ToList(), next));
    }

    public static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> Get(string email, ConnectorsDbContext db, CancellationToken ct)
    {
        var key = email.Trim().ToLowerInvariant();
        return await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Email == key, ct) is { } account
            ? TypedResults.Ok(AccountDto.From(account))
            : Problems.NotFound($"The directory has no account '{key}'.");
    }

    /// <summary>Creates the account (201) or updates the one with this email (200).</summary>
    public static async Task<Results<Created<AccountDto>, Ok<AccountDto>, ValidationProblem>> Upsert(
        UpsertAccountRequest request, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var email = NormalizeEmail(request.Email, out var emailError);
        if (emailError is not null)
        {
            errors["email"] = [emailError];
        }
        var displayName = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200)
        {
            errors["displayName"] = ["A display name of 1 to 200 characters is required."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = clock.GetUtcNow();
        await using var transaction = await BeginDirectoryChangeAsync(db, ct);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Email == email, ct);
        var created = account is null;
        var changed = new List<string>();
        if (account is null)
        {
            account = new DirectoryAccount { Email = email!, DisplayName = displayName!, Enabled = request.Enabled ?? true, CreatedAt = now, UpdatedAt = now };
            db.Accounts.Add(account);
        }
        else
        {
            if (account.DisplayName != displayName)
            {
                account.DisplayName = displayName!;
                changed.Add("displayName");
            }
            if (request.Enabled is { } enabled && enabled != account.Enabled)
            {
                account.Enabled = enabled;
                changed.Add("enabled");
            }
        }
        var runsRequested = 0;
        if (created || changed.Count > 0)
        {
            account.UpdatedAt = now;
            db.Record(http.Actor(), MappingAuditActions.AccountChanged, "account", account.Id.ToString(),
                new { account.Email, change = created ? "created" : "updated", changed, account.Enabled });
            runsRequested = await RequestRunsWaitingForMappingAsync(db, now, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (runsRequested > 0)
        {
            await ConnectorsApi.WakeWorkersAsync(redis);
        }
        return created
            ? TypedResults.Created($"/api/compliance/directory/accounts/{Uri.EscapeDataString(account.Email)}", AccountDto.From(account))
            : TypedResults.Ok(AccountDto.From(account));
    }

    /// <summary>
    /// Upserts every good row of the CSV in one transaction (set-based) and reports the others by row
    /// number. A blank Enabled keeps an existing account's value; new accounts are enabled.
    /// </summary>
    public static async Task<Results<Ok<ImportResultDto>, ValidationProblem, ProblemHttpResult>> Import(
        IFormFile? file, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as the multipart field 'file'."] });
        }
        var content = await ReadAsync(file, MaxUploadBytes, ct);
        var (rows, failed, problem) = MappingCsv.Read(content, [EmailColumn, DisplayNameColumn], [EnabledColumn]);
        if (problem is not null)
        {
            return problem.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.Field(problem.StatusCode, "Too many rows", problem.Field, problem.Message)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
        }

        var failures = failed.ToList();
        var accepted = new Dictionary<string, (int Row, string DisplayName, bool? Enabled)>();
        foreach (var row in rows)
        {
            if (ReadAccountRow(row, accepted) is { } failure)
            {
                failures.Add(failure);
            }
        }

        var now = clock.GetUtcNow();
        await using var transaction = await BeginDirectoryChangeAsync(db, ct);
        var emails = accepted.Keys.ToArray();
        var existing = await db.Accounts.AsNoTracking().Where(a => EF.Parameter(emails).Contains(a.Email))
            .Select(a => new { a.Email, a.DisplayName, a.Enabled })
            .ToDictionaryAsync(a => a.Email, ct);
        var inserts = new List<(string Email, string DisplayName, bool Enabled)>();
        var updates = new List<(string Email, string DisplayName, bool Enabled)>();
        foreach (var (email, row) in accepted)
        {
            if (!existing.TryGetValue(email, out var current))
            {
                inserts.Add((email, row.DisplayName, row.Enabled ?? true));
            }
            else if (current.DisplayName != row.DisplayName || (row.Enabled is { } enabled && enabled != current.Enabled))
            {
                updates.Add((email, row.DisplayName, row.Enabled ?? current.Enabled));
            }
        }
        await WriteAsync(db, transaction, now, inserts, updates, ct);

        var fileName = Path.GetFileName(file.FileName) is { Length: > 0 } name ? name[..Math.Min(name.Length, 500)] : "directory.csv";
        var result = new ImportResultDto(fileName, Convert.ToHexStringLower(SHA256.HashData(content)), rows.Count + failed.Count,
            inserts.Count, updates.Count, accepted.Count - inserts.Count - updates.Count, failures.OrderBy(f => f.Row).ToList());
        db.Record(http.Actor(), MappingAuditActions.DirectoryImported, "directory", null,
            new { result.FileName, result.Sha256, result.Rows, result.Created, result.Updated, result.Unchanged, failed = failures.Count });
        var runsRequested = inserts.Count + updates.Count > 0 ? await RequestRunsWaitingForMappingAsync(db, now, ct) : 0;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (runsRequested > 0)
        {
            await ConnectorsApi.WakeWorkersAsync(redis);
        }
        return TypedResults.Ok(result);
    }

    /// <summary>The email as the directory keys it (trimmed, lower-case), or why it is not one.</summary>
    internal static string? NormalizeEmail(string? text, out string? error)
    {
        var email = text?.Trim() ?? "";
        error = email.Length == 0 ? "An email address is required."
            : !HrCsv.IsEmailAddress(email) ? $"'{email}' is not an email address."
            : null;
        return error is null ? email.ToLowerInvariant() : null;
    }

    internal static async Task<byte[]> ReadAsync(IFormFile file, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)Math.Min(file.Length, maxBytes));
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>
    /// A newly usable account can map people whose items wait in quarantine (or whose signals are attributed
    /// to nobody yet): their connectors run again soon (a run already requested keeps its trigger).
    /// </summary>
    internal static Task<int> RequestRunsWaitingForMappingAsync(ConnectorsDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.Connectors
            .Where(c => c.DeletedAt == null && c.RunRequestedAt == null
                        && (db.Quarantine.Any(q => q.ConnectorId == c.Id && q.ReleasedAt == null)
                            || db.HrSignals.Any(s => s.ConnectorId == c.Id && s.AccountId == null)))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RunRequestedAt, now).SetProperty(c => c.RequestedTrigger, RunTrigger.Manual), ct);

    private static RowFailureDto? ReadAccountRow(CsvRow row, Dictionary<string, (int Row, string DisplayName, bool? Enabled)> accepted)
    {
        var email = NormalizeEmail(row[EmailColumn], out var emailError);
        if (emailError is not null)
        {
            return new RowFailureDto(row.Number, EmailColumn, emailError);
        }
        var displayName = row[DisplayNameColumn];
        if (displayName.Length is 0 or > 200)
        {
            return new RowFailureDto(row.Number, DisplayNameColumn, $"{DisplayNameColumn} must have 1 to 200 characters.");
        }
        bool? enabled = null;
        if (row[EnabledColumn] is { Length: > 0 } enabledText)
        {
            if (!bool.TryParse(enabledText, out var parsed))
            {
                return new RowFailureDto(row.Number, EnabledColumn, $"'{enabledText}' is not true or false.");
            }
            enabled = parsed;
        }
        // The same account twice in one file is ambiguous: the first row counts, the repeat is reported.
        if (accepted.TryGetValue(email!, out var first))
        {
            return new RowFailureDto(row.Number, EmailColumn, $"'{email}' is already on row {first.Row}.");
        }
        accepted[email!] = (row.Number, displayName, enabled);
        return null;
    }

    /// <summary>
    /// Serialises directory writers (an upsert and an import of the same new email would otherwise race
    /// to the unique index); the worker's reads are not blocked.
    /// </summary>
    private static async Task<IDbContextTransaction> BeginDirectoryChangeAsync(ConnectorsDbContext db, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("LOCK TABLE directory_accounts IN SHARE ROW EXCLUSIVE MODE", ct);
        return transaction;
    }

    private static async Task WriteAsync(ConnectorsDbContext db, IDbContextTransaction transaction, DateTimeOffset now,
        List<(string Email, string DisplayName, bool Enabled)> inserts, List<(string Email, string DisplayName, bool Enabled)> updates,
        CancellationToken ct)
    {
        if (inserts.Count + updates.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO directory_accounts (id, email, display_name, enabled, created_at, updated_at)
            SELECT id, email, display_name, enabled, @now, @now
            FROM unnest(@ids, @insert_emails, @insert_names, @insert_enabled) AS i(id, email, display_name, enabled);
            UPDATE directory_accounts AS a SET display_name = u.display_name, enabled = u.enabled, updated_at = @now
            FROM unnest(@update_emails, @update_names, @update_enabled) AS u(email, display_name, enabled)
            WHERE a.email = u.email;
            """, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("ids", inserts.Select(_ => Guid.CreateVersion7()).ToArray());
        command.Parameters.AddWithValue("insert_emails", inserts.Select(a => a.Email).ToArray());
        command.Parameters.AddWithValue("insert_names", inserts.Select(a => a.DisplayName).ToArray());
        command.Parameters.AddWithValue("insert_enabled", inserts.Select(a => a.Enabled).ToArray());
        command.Parameters.AddWithValue("update_emails", updates.Select(a => a.Email).ToArray());
        command.Parameters.AddWithValue("update_names", updates.Select(a => a.DisplayName).ToArray());
        command.Parameters.AddWithValue("update_enabled", updates.Select(a => a.Enabled).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
