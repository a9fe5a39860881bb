using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Connectors.Api.ApiKeys;
using Connectors.Data;
using Connectors.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Infrastructure;

/// <summary>The real Api (its Program, migrator, auth and routes) against a real database of its own.</summary>
public sealed class ApiFactory(string connectionString, string redisConnectionString) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";
    public const string MasterKey = "test-master-key-0123456789abcdef";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Database}", connectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Redis}", redisConnectionString);
        builder.UseSetting("Bootstrap:AdminApiKey", AdminKey);
        builder.UseSetting("Credentials:MasterKey", MasterKey);
        // The in-memory test server has no socket, so give requests the client address a real one would have.
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientAddressStartupFilter>());
    }

    public static readonly IPAddress ClientAddress = IPAddress.Parse("203.0.113.7");

    private sealed class ClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= ClientAddress;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public HttpClient CreateClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    /// <summary>Issues a key with <paramref name="role"/> through the API, as an administrator would.</summary>
    public async Task<string> IssueKeyAsync(Role role, string? name = null)
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/compliance/apikeys", new { name = name ?? $"{role} key", role = role.ToString() });
        response.EnsureSuccessStatusCode();
        var issued = await response.Content.ReadFromJsonAsync<IssuedApiKeyDto>(Json.Options);
        return issued!.Key;
    }

    public ConnectorsDbContext CreateDbContext() => new(DataExtensions.CreateOptions(connectionString));

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();
}
