using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace Connectors.Tests;

/// <summary>
/// Real PostgreSQL and Redis servers started from the same scripts the AppHost uses in local mode, on
/// free loopback ports with throw-away data.
/// </summary>
public class LocalServers : IAsyncLifetime
{
    private readonly string _dataDirectory = RepositoryPaths.NewTempDirectory("connectors-servers");
    private Process? _postgres;
    private Process? _redis;

    public string PostgresPassword { get; } = "pg-" + Guid.NewGuid().ToString("N");
    public string RedisPassword { get; } = "redis-" + Guid.NewGuid().ToString("N");
    public int PostgresPort { get; } = FreePort();
    public int RedisPort { get; } = FreePort();

    public string RedisConnectionString => $"127.0.0.1:{RedisPort},password={RedisPassword}";

    public string ConnectionString(string database) =>
        // Every test class has its own database and so its own pool: idle connections are pruned quickly.
        $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Password={PostgresPassword};Database={database};Include Error Detail=true;" +
        "Connection Idle Lifetime=2;Connection Pruning Interval=1";

    public async Task InitializeAsync()
    {
        var scripts = Path.Combine(RepositoryPaths.Root, "AppHost", "scripts");
        _postgres = Start("bash", [Path.Combine(scripts, "local-postgres.sh"), PostgresPort.ToString(), Path.Combine(_dataDirectory, "postgres"), "postgres"],
            ("POSTGRES_PASSWORD", PostgresPassword), ("POSTGRES_MAX_CONNECTIONS", "400"));
        _redis = Start("bash", [Path.Combine(scripts, "local-redis.sh"), RedisPort.ToString(), Path.Combine(_dataDirectory, "redis")],
            ("REDIS_PASSWORD", RedisPassword));
        await WaitUntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync();
        }, "PostgreSQL", _postgres);
        await WaitUntilAsync(async () =>
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
            await redis.GetDatabase().PingAsync();
        }, "Redis", _redis);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _postgres, _redis })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean; it is under /tmp.
        }
    }

    private static Process Start(string command, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        // Drain the output so the server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilAsync(Func<Task> probe, string what, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await probe();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{what} did not start (exited: {process.HasExited}).", ex);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

