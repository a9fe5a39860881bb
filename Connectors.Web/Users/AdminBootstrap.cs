using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Connectors.Audit;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Connectors.Web.Users;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>The admin-password parameter: the first password of the <c>admin</c> account.</summary>
    [Required, MinLength(UserRules.MinimumPasswordLength)]
    public string AdminPassword { get; set; } = "";
}

/// <summary>
/// Creates the <c>admin</c> Global Administrator when no user of that name exists, so a new installation
/// can be signed in to. An existing admin is never touched: its password may have been changed since.
/// Runs before the site serves, so once it is healthy the admin can sign in.
/// </summary>
public sealed class AdminBootstrap(
    IServiceProvider services, IOptions<BootstrapOptions> options, IPasswordHasher<UserAccount> hasher,
    TimeProvider clock, ILogger<AdminBootstrap> logger) : IHostedService
{
    public const string AdminUserName = "admin";

    // The Api migrates the schema; the AppHost starts the site after it, but run alone the site may win the race.
    private const int Attempts = 10;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(3);
    private static readonly ActivitySource Source = new(ServiceDefaultsExtensions.TelemetryName);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("Bootstrap admin user");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EnsureAdminAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < Attempts && IsSchemaNotReady(ex))
            {
                logger.LogWarning("The users table is not available yet (attempt {Attempt} of {Attempts}); retrying in {Delay}",
                    attempt, Attempts, RetryDelay);
                await Task.Delay(RetryDelay, clock, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAdminAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        if (await db.Users.AnyAsync(u => u.UserName == AdminUserName, ct))
        {
            logger.LogInformation("User {UserName} exists; bootstrap left it unchanged", AdminUserName);
            return;
        }

        var admin = new UserAccount
        {
            UserName = AdminUserName,
            DisplayName = "Administrator",
            PasswordHash = "",
            Role = Role.GlobalAdministrator,
            CreatedAt = clock.GetUtcNow(),
        };
        admin.PasswordHash = hasher.HashPassword(admin, options.Value.AdminPassword);
        db.Users.Add(admin);
        db.Record(Actor.System, AuditActions.UserCreated, "user", admin.Id.ToString(),
            new { admin.UserName, admin.DisplayName, role = admin.Role.ToString(), admin.Enabled, bootstrap = true }, clock);
        try
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Created user {UserName} from the bootstrap configuration", AdminUserName);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another replica of the site created it at the same moment; the unique index kept one.
            logger.LogInformation("User {UserName} was created by another instance", AdminUserName);
        }
    }

    /// <summary>The database or table is missing (migrations not applied yet), or the server is still starting.</summary>
    private static bool IsSchemaNotReady(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName } => true,
        NpgsqlException { IsTransient: true } => true,
        DbUpdateException { InnerException: { } inner } => IsSchemaNotReady(inner),
        _ => false,
    };
}
