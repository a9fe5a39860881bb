using Microsoft.Extensions.Configuration;
using HealthChecks.NpgSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Connectors.AppHost.Infrastructure;

/// <summary>What the services need from the infrastructure, whichever mode provided it.</summary>
public sealed record ConnectorsInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IReadOnlyList<IResourceBuilder<IResource>> WaitFor,
    IResourceBuilder<ParameterResource> AdminApiKey,
    IResourceBuilder<ParameterResource> AdminPassword,
    IResourceBuilder<ParameterResource> MasterKey);

public static class InfrastructureExtensions
{
    public const string DataDirectoryKey = "Infrastructure:DataDirectory";

    public static ConnectorsInfrastructure AddConnectorsInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var (mode, reason) = InfrastructureModeResolver.Resolve(builder);
        var dataDirectory = ResolveDataDirectory(builder.Configuration);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            new SecretStore(Path.Combine(dataDirectory, "secrets.json")).EnsureParameters(builder.Configuration,
                ResourceNames.AdminApiKeyParameter, ResourceNames.AdminPasswordParameter,
                ResourceNames.PostgresPasswordParameter, ResourceNames.RedisPasswordParameter,
                ResourceNames.MasterKeyParameter);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Connectors.AppHost")
                .LogInformation("Infrastructure mode {Mode}: {Reason}. Data directory {DataDirectory}", mode, reason, dataDirectory);
            return Task.CompletedTask;
        });

        var adminApiKey = builder.AddParameter(ResourceNames.AdminApiKeyParameter, secret: true);
        var adminPassword = builder.AddParameter(ResourceNames.AdminPasswordParameter, secret: true);
        var masterKey = builder.AddParameter(ResourceNames.MasterKeyParameter, secret: true);

        return mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder, mode, adminApiKey, adminPassword, masterKey),
            InfrastructureMode.Local => AddLocal(builder, mode, dataDirectory, adminApiKey, adminPassword, masterKey),
            _ => new ConnectorsInfrastructure(mode,
                builder.AddConnectionString(ResourceNames.Database),
                builder.AddConnectionString(ResourceNames.Redis),
                [], adminApiKey, adminPassword, masterKey),
        };
    }

    /// <summary>
    /// Local data persists between runs (a compliance archive must survive a restart). As root the
    /// default is under /var/lib because PostgreSQL runs as the postgres user, who cannot enter root's home.
    /// </summary>
    public static string ResolveDataDirectory(IConfiguration configuration)
    {
        var configured = configuration[DataDirectoryKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root")
        {
            return "/var/lib/connectors";
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData,
            Environment.SpecialFolderOption.Create), "connectors");
    }

    private static ConnectorsInfrastructure AddContainers(IDistributedApplicationBuilder builder, InfrastructureMode mode,
        IResourceBuilder<ParameterResource> adminApiKey, IResourceBuilder<ParameterResource> adminPassword,
        IResourceBuilder<ParameterResource> masterKey)
    {
        var password = builder.AddParameter(ResourceNames.PostgresPasswordParameter, secret: true);
        var postgres = builder.AddPostgres(ResourceNames.Postgres, password: password).WithDataVolume();
        var database = postgres.AddDatabase(ResourceNames.Database);
        var redis = builder.AddRedis(ResourceNames.Redis).WithDataVolume();
        return new ConnectorsInfrastructure(mode, database.AsConnectionString(), redis.AsConnectionString(),
            [database.AsResource(), redis.AsResource()], adminApiKey, adminPassword, masterKey);
    }

    private static ConnectorsInfrastructure AddLocal(IDistributedApplicationBuilder builder, InfrastructureMode mode,
        string dataDirectory, IResourceBuilder<ParameterResource> adminApiKey,
        IResourceBuilder<ParameterResource> adminPassword, IResourceBuilder<ParameterResource> masterKey)
    {
        var scripts = Path.Combine(builder.AppHostDirectory, "scripts");
        var pgPassword = builder.AddParameter(ResourceNames.PostgresPasswordParameter, secret: true);
        var redisPassword = builder.AddParameter(ResourceNames.RedisPasswordParameter, secret: true);

        var postgresResource = new LocalPostgresResource(ResourceNames.Postgres, "bash", scripts, pgPassword.Resource, ResourceNames.Database);
        var postgres = builder.AddResource(postgresResource)
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(ctx =>
            {
                ctx.Args.Add(Path.Combine(scripts, "local-postgres.sh"));
                ctx.Args.Add(postgresResource.Endpoint.Property(EndpointProperty.TargetPort));
                ctx.Args.Add(Path.Combine(dataDirectory, "postgres"));
                ctx.Args.Add(ResourceNames.Database);
            })
            .WithEnvironment("POSTGRES_PASSWORD", pgPassword)
            .WithConnectionStringHealthCheck(postgresResource,
                (services, cs) => services.AddHealthChecks().AddNpgSql(_ => cs(), name: "postgres-local-health"),
                "postgres-local-health");

        var redisResource = new LocalRedisResource(ResourceNames.Redis, "bash", scripts, redisPassword.Resource);
        var redis = builder.AddResource(redisResource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(ctx =>
            {
                ctx.Args.Add(Path.Combine(scripts, "local-redis.sh"));
                ctx.Args.Add(redisResource.Endpoint.Property(EndpointProperty.TargetPort));
                ctx.Args.Add(Path.Combine(dataDirectory, "redis"));
            })
            .WithEnvironment("REDIS_PASSWORD", redisPassword)
            .WithConnectionStringHealthCheck(redisResource,
                (services, cs) => services.AddHealthChecks().AddRedis(_ => cs(), name: "redis-local-health"),
                "redis-local-health");

        return new ConnectorsInfrastructure(mode, postgres.AsConnectionString(), redis.AsConnectionString(),
            [postgres.AsResource(), redis.AsResource()], adminApiKey, adminPassword, masterKey);
    }

    /// <summary>Registers a health check that uses the resource's connection string once it is known.</summary>
    private static IResourceBuilder<T> WithConnectionStringHealthCheck<T>(this IResourceBuilder<T> resource, T instance,
        Action<IServiceCollection, Func<string>> register, string key) where T : IResourceWithConnectionString
    {
        string? connectionString = null;
        resource.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(instance, async (_, ct) =>
            connectionString = await instance.ConnectionStringExpression.GetValueAsync(ct));
        register(resource.ApplicationBuilder.Services,
            () => connectionString ?? throw new InvalidOperationException($"The connection string of {instance.Name} is not known yet."));
        return resource.WithHealthCheck(key);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(this IResourceBuilder<T> b)
        where T : IResourceWithConnectionString => b.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(b.Resource);

    private static IResourceBuilder<IResource> AsResource<T>(this IResourceBuilder<T> b) where T : IResource =>
        b.ApplicationBuilder.CreateResourceBuilder<IResource>(b.Resource);
}
