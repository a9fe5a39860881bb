using System.Text.Json;
using Connectors.Api.Files;
using Connectors.Api.Security;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Runs;
using Connectors.Scheduling;
using Connectors.Security;
using Connectors.Sources.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Connectors.Api.Connectors;

public static class ConnectorsApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapConnectorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance/connector-types", ListTypes)
            .WithTags("Connectors").RequireAuthorization(Policies.View);

        var group = app.MapGroup("/api/compliance/connectors").WithTags("Connectors").RequireAuthorization(Policies.View);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapGet("/{id:guid}/status", GetStatus);
        group.MapGet("/{id:guid}/history", GetHistory);
        group.MapGet("/{id:guid}/history/{runId:long}/failures", GetFailures);
        group.MapPost("/", Create).RequireAuthorization(Policies.Configure);
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Configure);
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Configure);
        group.MapPost("/{id:guid}/run", RunNow).RequireAuthorization(Policies.Configure);
        group.MapGroup("").RequireAuthorization(Policies.Configure).MapConnectorValidation();
        app.MapFilesApi();
        return app;
    }

    public static Ok<IReadOnlyList<ConnectorTypeInfo>> ListTypes() => TypedResults.Ok(ConnectorTypes.All);

    public static async Task<Results<Ok<Page<ConnectorDto>>, ValidationProblem>> List(
        ConnectorsDbContext db, int? limit, Guid? after, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        var take = limit ?? 50;
        var query = db.Connectors.AsNoTracking().Where(c => c.DeletedAt == null);
        if (after is { } cursor)
        {
            query = query.Where(c => c.Id > cursor);
        }
        // Ids are UUIDv7, so id order is creation order and a stable keyset.
        var items = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        var next = items.Count > take ? items[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<ConnectorDto>(items.Take(take).Select(c => c.ToDto()).ToList(), next));
    }

    public static async Task<Results<Ok<ConnectorDto>, ProblemHttpResult>> Get(Guid id, ConnectorsDbContext db, CancellationToken ct) =>
        await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct) is { } c
            ? TypedResults.Ok(c.ToDto())
            : Problems.ConnectorNotFound(id);

    public static async Task<Results<Ok<ConnectorStatusDto>, ProblemHttpResult>> GetStatus(Guid id, ConnectorsDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var c = await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (c is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        RunProgressDto? progress = null;
        if (c.RunStatus == ConnectorStatus.Running && c.LastRunId is { } runId)
        {
            progress = await db.Runs.AsNoTracking().Where(r => r.Id == runId && r.Outcome == null)
                .Select(r => new RunProgressDto(r.Id, r.StartedAt, r.Counts.ItemsFromSource, r.Counts.ItemsImported, r.Counts.ItemsFailed))
                .FirstOrDefaultAsync(ct);
        }
        return TypedResults.Ok(new ConnectorStatusDto(c.Id, c.Name, c.Type, c.Status, c.LastImportAt, c.NextRunAt,
            c.ItemsImported, c.LastRunErrors, c.LastError, progress, SourceRetention.For(c, clock.GetUtcNow())));
    }

    /// <summary>Runs newest first. History outlives a deleted connector's configuration.</summary>
    public static async Task<Results<Ok<Page<RunDto>>, ProblemHttpResult, ValidationProblem>> GetHistory(
        Guid id, ConnectorsDbContext db, int? limit, long? before, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        if (!await db.Connectors.AnyAsync(c => c.Id == id, ct))
        {
            return Problems.ConnectorNotFound(id);
        }
        var take = limit ?? 50;
        var query = db.Runs.AsNoTracking().Where(r => r.ConnectorId == id);
        if (before is { } cursor)
        {
            query = query.Where(r => r.Id < cursor);
        }
        var runs = await query.OrderByDescending(r => r.Id).Take(take + 1).ToListAsync(ct);
        var next = runs.Count > take ? runs[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<RunDto>(runs.Take(take).Select(RunDto.From).ToList(), next));
    }

    public static async Task<Results<Ok<Page<FailureDto>>, ProblemHttpResult, ValidationProblem>> GetFailures(
        Guid id, long runId, ConnectorsDbContext db, int? limit, long? after, CancellationToken ct)
    {
        if (Paging.Check(limit) is { } problem)
        {
            return problem;
        }
        if (!await db.Runs.AnyAsync(r => r.Id == runId && r.ConnectorId == id, ct))
        {
            return Problems.NotFound($"Run {runId} of connector {id} does not exist.");
        }
        var take = limit ?? 100;
        var query = db.Failures.AsNoTracking().Where(f => f.RunId == runId);
        if (after is { } cursor)
        {
            query = query.Where(f => f.Id > cursor);
        }
        var failures = await query.OrderBy(f => f.Id).Take(take + 1).ToListAsync(ct);
        var next = failures.Count > take ? failures[take - 1].Id.ToString() : null;
        return TypedResults.Ok(new Page<FailureDto>(failures.Take(take).Select(FailureDto.From).ToList(), next));
    }

    public static async Task<Results<Created<ConnectorDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateConnectorRequest request, ConnectorsDbContext db, CredentialProtector protector, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }
        var type = ConnectorTypes.Find(request.Type);
        if (type is null)
        {
            errors["type"] = [$"Unknown connector type '{request.Type}'. Known types: {string.Join(", ", ConnectorTypes.All.Select(t => t.Id))}."];
        }
        else if (!type.Available)
        {
            errors["type"] = [$"The {type.Id} connector is not available yet. Available types: {string.Join(", ", ConnectorTypes.All.Where(t => t.Available).Select(t => t.Id))}."];
        }
        var (schedule, scheduleErrors) = request.Schedule?.ToSchedule() ?? (ConnectorSchedule.Daily, []);
        Merge(errors, scheduleErrors);
        var (settings, settingsErrors) = type is null ? ("{}", []) : ConnectorSettings.Normalize(type.Id, request.Settings);
        Merge(errors, settingsErrors);
        var credentials = type is null ? null : ReadCredentials(type.Id, request.Credentials, errors);
        var lookback = ConnectorMapping.ParseLookback(request.Lookback, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await db.Connectors.AnyAsync(c => c.Name == name && c.DeletedAt == null, ct))
        {
            return Problems.Conflict($"A connector named '{name}' already exists.");
        }

        var now = clock.GetUtcNow();
        var connector = new Connector
        {
            Name = name!,
            Type = type!.Id,
            Schedule = schedule!,
            Settings = settings,
            Enabled = request.Enabled ?? true,
            Lookback = lookback ?? Connector.DefaultLookback,
            Mapping = JsonSerializer.Serialize(global::Connectors.Mapping.MappingSettings.DefaultFor(type.Id, settings), global::Connectors.Mapping.IdentityResolver.SettingsJson),
            ProtectedCredentials = credentials is null ? null : protector.Protect(credentials),
            CreatedAt = now,
            UpdatedAt = now,
            // The first run happens straight away so the administrator sees at once that it works.
            NextRunAt = now,
        };
        db.Connectors.Add(connector);
        db.Record(http.Actor(), AuditActions.ConnectorCreated, "connector", connector.Id.ToString(),
            new { connector.Name, connector.Type, connector.Enabled, schedule = ScheduleDto.From(connector.Schedule), credentialsSet = credentials is not null });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/compliance/connectors/{connector.Id}", connector.ToDto());
    }

    public static async Task<Results<Ok<ConnectorDto>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateConnectorRequest request, ConnectorsDbContext db, CredentialProtector protector, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        var changed = new List<string>();
        var name = request.Name?.Trim();
        if (request.Name is not null && (string.IsNullOrEmpty(name) || name.Length > 200))
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }
        ConnectorSchedule? schedule = null;
        if (request.Schedule is not null)
        {
            (schedule, var scheduleErrors) = request.Schedule.ToSchedule();
            Merge(errors, scheduleErrors);
        }
        string? settings = null;
        if (request.Settings is not null)
        {
            (settings, var settingsErrors) = ConnectorSettings.Normalize(connector.Type, request.Settings);
            Merge(errors, settingsErrors);
        }
        var credentials = ReadCredentials(connector.Type, request.Credentials, errors);
        var lookback = ConnectorMapping.ParseLookback(request.Lookback, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (name is not null && name != connector.Name)
        {
            if (await db.Connectors.AnyAsync(c => c.Name == name && c.DeletedAt == null && c.Id != id, ct))
            {
                return Problems.Conflict($"A connector named '{name}' already exists.");
            }
            connector.Name = name;
            changed.Add("name");
        }
        var now = clock.GetUtcNow();
        if (schedule is not null && schedule != connector.Schedule)
        {
            connector.Schedule = schedule;
            connector.NextRunAt = schedule.NextAfter(connector.LastImportAt ?? now) is var next && next < now ? now : next;
            changed.Add("schedule");
        }
        if (settings is not null && settings != connector.Settings)
        {
            connector.Settings = settings;
            changed.Add("settings");
            // A social connector's storage mailbox lives in its settings; the mapping follows it.
            var mapping = global::Connectors.Mapping.IdentityResolver.ReadSettings(connector);
            var storage = global::Connectors.Mapping.MappingSettings.DefaultFor(connector.Type, settings).StorageMailbox;
            if (storage is not null && storage != mapping.StorageMailbox)
            {
                connector.Mapping = JsonSerializer.Serialize(mapping with { StorageMailbox = storage }, global::Connectors.Mapping.IdentityResolver.SettingsJson);
            }
        }
        if (lookback is { } newLookback && newLookback != connector.Lookback)
        {
            connector.Lookback = newLookback;
            changed.Add("lookback");
        }
        if (request.Enabled is { } enabled && enabled != connector.Enabled)
        {
            connector.Enabled = enabled;
            changed.Add("enabled");
        }
        if (changed.Count > 0)
        {
            db.Record(http.Actor(), AuditActions.ConnectorChanged, "connector", id.ToString(), new { changed, connector.Enabled });
        }
        if (request.Credentials is not null)
        {
            // Audited without their values: only that they changed (or were removed).
            connector.ProtectedCredentials = credentials is null ? null : protector.Protect(credentials);
            db.Record(http.Actor(), AuditActions.ConnectorCredentialsChanged, "connector", id.ToString(), new { removed = credentials is null });
            changed.Add("credentials");
        }
        if (changed.Count > 0)
        {
            connector.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(connector.ToDto());
    }

    /// <summary>Removes the configuration (settings, credentials, schedule); imported data and run history stay.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ConnectorsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        var now = clock.GetUtcNow();
        connector.DeletedAt = now;
        connector.UpdatedAt = now;
        connector.Enabled = false;
        connector.ProtectedCredentials = null;
        connector.Settings = "{}";
        connector.NextRunAt = null;
        connector.RunRequestedAt = null;
        db.Record(http.Actor(), AuditActions.ConnectorRemoved, "connector", id.ToString(), new { connector.Name, connector.Type });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Accepted<ConnectorStatusDto>, ProblemHttpResult>> RunNow(
        Guid id, ConnectorsDbContext db, IConnectionMultiplexer redis, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        if (!connector.Enabled)
        {
            return Problems.Conflict("The connector is paused (enabled: false). Enable it before running it.");
        }
        connector.RunRequestedAt = clock.GetUtcNow();
        connector.RequestedTrigger = RunTrigger.Manual;
        db.Record(http.Actor(), AuditActions.ConnectorRunRequested, "connector", id.ToString());
        await db.SaveChangesAsync(ct);
        await WakeWorkersAsync(redis);
        return TypedResults.Accepted($"/api/compliance/connectors/{id}/status",
            new ConnectorStatusDto(connector.Id, connector.Name, connector.Type, connector.Status, connector.LastImportAt,
                connector.NextRunAt, connector.ItemsImported, connector.LastRunErrors, connector.LastError, null));
    }

    /// <summary>Best effort: workers also poll, so a lost wake-up only delays the run by a poll interval.</summary>
    public static async Task WakeWorkersAsync(IConnectionMultiplexer redis)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(ImportScheduler.WakeChannel, "run");
        }
        catch (RedisException)
        {
        }
    }

    private static string? ReadCredentials(string type, JsonElement? credentials, Dictionary<string, string[]> errors)
    {
        if (credentials is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var (json, problems) = ConnectorSettings.NormalizeCredentials(type, value);
        Merge(errors, problems);
        return json;
    }

    private static void Merge(Dictionary<string, string[]> into, Dictionary<string, string[]> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = value;
        }
    }
}
