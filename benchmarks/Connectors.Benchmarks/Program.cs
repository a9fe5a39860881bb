using System.Globalization;
using System.Runtime.InteropServices;
using Connectors.Benchmarks;

// ./benchmark.sh [items] [--repeat R]: throughput of the import pipeline against raw COPY and naive EF Core.
// ./benchmark.sh ib [messages]: one large PGP-encrypted Instant Bloomberg file over SFTP, throughput and memory.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
BenchmarkSettings settings = null!;
int? ibMessages = null;
var oneRoom = false;
if (args is ["ib", .. var ibArgs] ? !TryParseIb(ibArgs, out ibMessages, out oneRoom) : !TryParse(args, out settings))
{
    Console.Error.WriteLine("Usage: ./benchmark.sh [items (default 50000)] [--repeat R (default 3)]");
    Console.Error.WriteLine($"       ./benchmark.sh ib [messages (default {InstantBloombergBenchmark.DefaultMessages})] [--one-room]");
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
    if (ibMessages is { } messages)
    {
        await new InstantBloombergBenchmark(postgres.ConnectionString, postgres.CpuTime, messages, oneRoom, Console.Out).RunAsync(cancellation.Token);
    }
    else
    {
        await new ImportBenchmark(postgres.ConnectionString, postgres.CpuTime, settings, Console.Out).RunAsync(cancellation.Token);
    }
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

static bool TryParseIb(string[] args, out int? messages, out bool oneRoom)
{
    (messages, oneRoom) = (InstantBloombergBenchmark.DefaultMessages, false);
    var counted = false;
    foreach (var arg in args)
    {
        if (arg == "--one-room" && !oneRoom)
        {
            oneRoom = true;
        }
        else if (!counted && int.TryParse(arg, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            (messages, counted) = (n, true);
        }
        else
        {
            return false;
        }
    }
    return true;
}
