namespace Connectors;

/// <summary>
/// Names of the Aspire resources, shared by the AppHost, the services and the tests
/// (the AppHost links this file so it does not depend on the whole library).
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Database = "connectorsdb";
    public const string Redis = "redis";
    public const string Api = "api";
    public const string Worker = "worker";
    public const string Web = "web";

    public const string AdminApiKeyParameter = "admin-api-key";
    public const string AdminPasswordParameter = "admin-password";
    public const string PostgresPasswordParameter = "postgres-password";
    public const string RedisPasswordParameter = "redis-password";
    public const string MasterKeyParameter = "credentials-master-key";
}
