using System.Globalization;
using System.Runtime.InteropServices;
using Connectors.Benchmarks;

// ./benchmark.sh [items] [--repeat R]: throughput of the import pipeline against raw COPY and naive EF Core.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (!TryParse(args, out var settings))
{
    Console.Error.WriteLine("Usage: ./benchmark.sh [items (default 50000)] [--repeat R (default 3)]");
    return 2;
}

using var cancellation = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    // Unwind normally so the servers we started are stopped and their data removed.
    context.Cancel = true;
    Console.Error.WriteLine("Stopping…");
    cancellation.Cancel();
}
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    await using var postgres = await LocalPostgres.StartAsync(cancellation.Token);
    await new ImportBenchmark(postgres.ConnectionString, postgres.CpuTime, settings, Console.Out).RunAsync(cancellation.Token);
    return 0;
}
catch (Exception) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"Benchmark failed: {ex}");
    return 1;
}

static bool TryParse(string[] args, out BenchmarkSettings settings)
{
    var (items, repetitions) = (50_000, 3);
    settings = null!;
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == "--repeat" && i + 1 < args.Length && int.TryParse(args[++i], out var r) && r > 0)
        {
            repetitions = r;
        }
        else if (int.TryParse(args[i], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            items = n;
        }
        else
        {
            return false;
        }
    }
    settings = new BenchmarkSettings(items, repetitions, WarmupItems: BenchmarkSettings.PipelineBatch);
    return true;
}
