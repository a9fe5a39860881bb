using System.Net;
using System.Security.Cryptography;
using System.Text;
using Connectors.Credentials;
using Connectors.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectors.Alerts;

/// <summary>
/// Delivers the alert outbox to the configured webhook: JSON POST, signed with HMAC-SHA256 when a secret
/// is set, retried with backoff (honouring Retry-After) until it is accepted or the attempts run out.
/// Api and Worker both run it; <c>FOR UPDATE SKIP LOCKED</c> gives each delivery to one of them.
/// </summary>
public sealed class WebhookDeliveryService(IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<AlertingOptions> options,
    TimeProvider clock, ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string HttpClientName = "alerts-webhook";
    public const string SignatureHeader = "X-Connectors-Signature";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Alert delivery failed");
            }
            try
            {
                await Task.Delay(options.Value.DeliveryPollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <returns>How many deliveries were attempted.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.AlertDeliveries
            .FromSql($"""
                SELECT * FROM alert_deliveries
                WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= {now}
                ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var settings = await db.WebhookSettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var secret = settings?.ProtectedSecret is { } protectedSecret
            ? scope.ServiceProvider.GetRequiredService<CredentialProtector>().Unprotect(protectedSecret)
            : null;
        var client = http.CreateClient(HttpClientName);
        foreach (var delivery in due)
        {
            delivery.Attempts++;
            if (settings is not { Enabled: true, Url: { } url })
            {
                // Nothing to send to: the alert is still listed by the API and on the site.
                delivery.AbandonedAt = now;
                delivery.LastError = "No webhook is configured.";
                continue;
            }
            var (delivered, retryAfter, problem) = await PostAsync(client, url, delivery.Payload, secret, cancellationToken);
            if (delivered)
            {
                delivery.DeliveredAt = clock.GetUtcNow();
                delivery.LastError = null;
                continue;
            }
            delivery.LastError = problem;
            if (delivery.Attempts >= options.Value.MaxDeliveryAttempts)
            {
                delivery.AbandonedAt = now;
                logger.LogError("Alert delivery {DeliveryId} abandoned after {Attempts} attempts: {Problem}", delivery.Id, delivery.Attempts, problem);
                continue;
            }
            delivery.NextAttemptAt = now + (retryAfter ?? Backoff(delivery.Attempts));
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>30 s doubling per attempt, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 10))));

    private static async Task<(bool Delivered, TimeSpan? RetryAfter, string? Problem)> PostAsync(HttpClient client, string url, string payload,
        string? secret, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload));
            request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(signature));
        }
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (true, null, null);
            }
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : null;
            return (false, retryAfter is { } delay && delay > TimeSpan.Zero ? delay : null, $"The webhook answered {(int)response.StatusCode} {response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, null, $"The webhook could not be reached: {ex.Message}");
        }
    }
}

public static class AlertingExtensions
{
    /// <summary>The staleness check and the webhook outbox; hosted by both the Api and the Worker.</summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services)
    {
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Our outbox decides about retries, so the generic resilience handler (which would repeat POSTs) is removed.
#pragma warning disable EXTEXP0001 // Experimental, but the documented way to opt one client out of the defaults.
        services.AddHttpClient(WebhookDeliveryService.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddHostedService<StalenessMonitor>();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
