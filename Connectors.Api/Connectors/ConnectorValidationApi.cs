using System.Text.Json;
using Connectors.Audit;
using Connectors.Connectors;
using Connectors.Credentials;
using Connectors.Data;
using Connectors.Sources.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Connectors.Api.Connectors;

/// <summary>A draft connector to validate before it is created (the same fields as creating one).</summary>
public sealed record ValidateConnectorRequest(string? Type, JsonElement? Settings = null, JsonElement? Credentials = null);

/// <summary>"Validate connection": checks a vendor file connector against its SFTP site, check by check.</summary>
public static class ConnectorValidationApi
{
    public static RouteGroupBuilder MapConnectorValidation(this RouteGroupBuilder group)
    {
        group.MapPost("/validate", ValidateDraft);
        group.MapPost("/{id:guid}/validate", ValidateExisting);
        return group;
    }

    /// <summary>Validates settings and credentials before the connector exists (nothing is stored).</summary>
    public static async Task<Results<Ok<ValidationReport>, ValidationProblem>> ValidateDraft(
        ValidateConnectorRequest request, TimeProvider clock, HttpContext http, ConnectorsDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = ConnectorTypes.Find(request.Type);
        if (type is null || !VendorParsers.Types.Contains(type.Id))
        {
            errors["type"] = [$"Validation applies to the SFTP connectors: {string.Join(", ", VendorParsers.Types)}."];
            return TypedResults.ValidationProblem(errors);
        }
        var (settings, settingsErrors) = ConnectorSettings.Normalize(type.Id, request.Settings);
        var (credentials, credentialErrors) = request.Credentials is { } c ? ConnectorSettings.NormalizeCredentials(type.Id, c) : (null, []);
        foreach (var (key, value) in settingsErrors.Concat(credentialErrors))
        {
            errors[key] = value;
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var report = await VendorFileValidator.ValidateAsync(type.Id,
            JsonSerializer.Deserialize<VendorFileSettings>(settings, JsonSerializerOptions.Web)!,
            VendorFileCredentials.Read(credentials), clock.GetUtcNow(), ct);
        db.Record(http.Actor(), AuditActions.ConnectorValidated, "connector", null, new { type = type.Id, report.Succeeded });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(report);
    }

    /// <summary>Validates a connector's stored settings and credentials.</summary>
    public static async Task<Results<Ok<ValidationReport>, ProblemHttpResult, ValidationProblem>> ValidateExisting(
        Guid id, ConnectorsDbContext db, CredentialProtector protector, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var connector = await db.Connectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (connector is null)
        {
            return Problems.ConnectorNotFound(id);
        }
        if (!VendorParsers.Types.Contains(connector.Type))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["type"] = [$"A {connector.Type} connector has no connection to validate: its data is pushed to it."],
            });
        }
        var credentials = VendorFileCredentials.Read(connector.ProtectedCredentials is { } p ? protector.Unprotect(p) : null);
        var report = await VendorFileValidator.ValidateAsync(connector.Type, ConnectorSettings.Read<VendorFileSettings>(connector),
            credentials, clock.GetUtcNow(), ct);
        db.Record(http.Actor(), AuditActions.ConnectorValidated, "connector", id.ToString(), new { report.Succeeded });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(report);
    }
}
