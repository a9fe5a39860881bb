using Connectors.Push;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
return await Cli.RunAsync(args, Environment.GetEnvironmentVariable, handler, Console.Out, Console.Error,
    TimeProvider.System, Task.Delay, cancel.Token);
