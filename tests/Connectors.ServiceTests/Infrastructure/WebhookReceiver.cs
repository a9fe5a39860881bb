using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Infrastructure;

/// <summary>A webhook endpoint on a loopback port that records what it receives and can refuse the first calls.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _refusalsLeft;

    public ConcurrentQueue<(string Body, string? Signature, DateTimeOffset At)> Received { get; } = new();
    public ConcurrentQueue<DateTimeOffset> Refused { get; } = new();
    public string Url { get; private set; } = "";

    private WebhookReceiver(int refusals)
    {
        _refusalsLeft = refusals;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext context) =>
        {
            if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
            {
                Refused.Enqueue(DateTimeOffset.UtcNow);
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            using var reader = new StreamReader(context.Request.Body);
            Received.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers["X-Connectors-Signature"].FirstOrDefault(), DateTimeOffset.UtcNow));
            return Results.NoContent();
        });
    }

    /// <summary>Starts a receiver that answers 503 with Retry-After: 1 to the first <paramref name="refusals"/> calls.</summary>
    public static async Task<WebhookReceiver> StartAsync(int refusals = 0)
    {
        var receiver = new WebhookReceiver(refusals);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
