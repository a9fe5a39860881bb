using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Connectors.Tests;
using Npgsql;

namespace Connectors.Benchmarks;

/// <summary>
/// A throw-away PostgreSQL started from the machine's binaries with the AppHost's own script
/// (as the tests' LocalServers does), on a free loopback port with its data under /tmp.
/// The import runner needs no Redis (that is only the scheduler's lock), so none is started.
/// </summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly Queue<string> _log = new();
    private int? _postmaster;

    private LocalPostgres(Process process, string dataDirectory, string connectionString)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string of the <see cref="ResourceNames.Database"/> database.</summary>
    public string ConnectionString { get; }

    public static async Task<LocalPostgres> StartAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = RepositoryPaths.NewTempDirectory("connectors-benchmark");
        var port = FreePort();
        var password = "pg-" + Guid.NewGuid().ToString("N");
        var script = Path.Combine(RepositoryPaths.Root, "AppHost", "scripts", "local-postgres.sh");
        var start = new ProcessStartInfo("bash", [script, port.ToString(), Path.Combine(dataDirectory, "postgres"), ResourceNames.Database])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["POSTGRES_PASSWORD"] = password;
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database={ResourceNames.Database}";
        var server = new LocalPostgres(Process.Start(start)!, dataDirectory, connectionString);
        server.DrainOutput();
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// CPU time used so far by this server: the postmaster, its live backends and (through the postmaster's
    /// cumulative child times) every backend and worker that has already exited. Linux /proc, USER_HZ = 100.
    /// </summary>
    public TimeSpan CpuTime()
    {
        // The script's one long-lived child is the postmaster (setpriv execs into it).
        _postmaster ??= ChildrenOf(_process.Id).Where(pid => Comm(pid) == "postgres").Cast<int?>().FirstOrDefault()
            ?? throw new InvalidOperationException("The postmaster process was not found.");
        var ticks = Ticks(_postmaster.Value, withExitedChildren: true)
            + ChildrenOf(_postmaster.Value).Sum(pid => Ticks(pid, withExitedChildren: false));
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { } fields && fields[1] == parent.ToString())
            .ToList();

    private static long Ticks(int pid, bool withExitedChildren)
    {
        // Fields after "pid (comm) ": state, ppid, … utime, stime, cutime, cstime are the 12th to 15th.
        if (Stat(pid) is not { } fields)
        {
            return 0;
        }
        var own = long.Parse(fields[11]) + long.Parse(fields[12]);
        return withExitedChildren ? own + long.Parse(fields[13]) + long.Parse(fields[14]) : own;
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            return line[(line.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // The process ended meanwhile.
        }
    }

    /// <summary>Fast shutdown through the script's trap (TERM → SIGINT to postgres), then a hard kill if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            {
                await term.WaitForExitAsync();
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean; it is under /tmp.
        }
    }

    private void DrainOutput()
    {
        // Keep the last lines for an error message; draining also keeps the server from blocking on a full pipe.
        void Keep(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_log)
            {
                _log.Enqueue(e.Data);
                if (_log.Count > 40)
                {
                    _log.Dequeue();
                }
            }
        }
        _process.OutputDataReceived += Keep;
        _process.ErrorDataReceived += Keep;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // The script creates the database after the server accepts connections, so probe the database itself.
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !_process.HasExited && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                string log;
                lock (_log)
                {
                    log = string.Join(Environment.NewLine, _log);
                }
                throw new InvalidOperationException(
                    $"PostgreSQL did not start (script exited: {_process.HasExited}). Its last output:{Environment.NewLine}{log}", ex);
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
