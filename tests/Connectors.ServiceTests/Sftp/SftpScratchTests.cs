using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Connectors.Sources.Sftp;
using Xunit.Abstractions;

namespace Connectors.Tests;

public sealed class SftpScratchTests(LocalSftpServer server, ITestOutputHelper output) : IClassFixture<LocalSftpServer>
{
    private async Task Show(Func<Task> f, string what)
    {
        try { await f(); output.WriteLine($"{what}: no exception"); }
        catch (Exception ex) { output.WriteLine($"{what}: {ex.GetType().Name}: {ex.Message}\n   inner: {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}"); }
    }

    [Fact]
    public async Task Messages()
    {
        var ep = new SftpEndpoint(server.Host, server.Port, server.Username, server.HostKeyFingerprint, server.Password, null, null);
        await Show(() => SftpFileStore.ConnectAsync(ep with { Password = "bad" }, default), "wrong password");
        await Show(() => SftpFileStore.ConnectAsync(ep with { Password = null, PrivateKey = server.EncryptedClientPrivateKey, PrivateKeyPassphrase = "bad" }, default), "bad key pass");
        await Show(() => SftpFileStore.ConnectAsync(ep with { HostKeySha256 = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" }, default), "mismatch");
        await Show(() => SftpFileStore.ConnectAsync(ep with { HostKeySha256 = null }, default), "not pinned");
        await Show(() => SftpFileStore.ConnectAsync(ep with { Port = 1 }, default), "closed");
        await Show(() => SftpFileStore.ConnectAsync(ep with { Host = "no-such-host.invalid" }, default), "dns");
        using var silent = new TcpListener(IPAddress.Loopback, 0); silent.Start();
        await Show(() => SftpFileStore.ConnectAsync(ep with { Port = ((IPEndPoint)silent.LocalEndpoint).Port }, new SftpConnectOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)), default), "silent");
        using var cts = new CancellationTokenSource(300);
        await Show(() => SftpFileStore.ConnectAsync(ep with { Port = ((IPEndPoint)silent.LocalEndpoint).Port }, cts.Token), "cancelled");
        await using var store = await SftpFileStore.ConnectAsync(ep, default);
        await Show(() => store.ListAsync("/nope", [], false, default), "missing folder");
        server.WriteFile("afile.txt", [1]);
        await Show(() => store.ListAsync("/afile.txt", [], false, default), "file as folder");

        var keys = PgpTestKeys.Default;
        var mat = new PgpPrivateKeyMaterial(keys.ArmoredSecretKey, keys.Passphrase);
        var xml = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"<Conversation><RoomID>CHAT:{i}</RoomID></Conversation>\n")));
        Task Dec(byte[] data, PgpPrivateKeyMaterial? m = null) { using var s = PgpDecryptor.OpenDecrypted(new MemoryStream(data), m ?? mat); s.CopyTo(Stream.Null); return Task.CompletedTask; }
        foreach (var compress in new[] { false, true })
        {
            var bin = keys.Encrypt(xml, "a.xml", false, compress);
            output.WriteLine($"len {bin.Length}");
            for (var at = 0; at < bin.Length; at += Math.Max(1, bin.Length / 9))
                await Show(() => Dec(PgpTestKeys.Tamper(bin, at)), $"tamper compress={compress} at {at}");
            await Show(() => Dec(bin[..^30]), $"truncated compress={compress}");
            await Show(() => Dec(bin[..(bin.Length/2)]), $"half compress={compress}");
        }
        await Show(() => Dec(keys.Encrypt(xml, "a.xml", false, true), mat with { Passphrase = "x" }), "wrong pass");
        await Show(() => Dec(PgpTestKeys.Other.Encrypt(xml, "a.xml", false, true)), "other key");
        await Show(() => Dec(Encoding.UTF8.GetBytes(keys.ArmoredPublicKey)), "a key as message");
        output.WriteLine(PgpDecryptor.Inspect(mat).ToString());
    }

    [Fact]
    public async Task Memory()
    {
        var path = server.LocalPath("mem/big.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var f = File.Create(path)) { f.SetLength(300L * 1024 * 1024); }
        var ep = new SftpEndpoint(server.Host, server.Port, server.Username, server.HostKeyFingerprint, server.Password, null, null);
        await using var store = await SftpFileStore.ConnectAsync(ep, default);
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        long max = 0, total = 0;
        using (var s = store.OpenRead("/mem/big.bin"))
        {
            var buf = new byte[81920]; int n;
            while ((n = s.Read(buf, 0, buf.Length)) > 0) { total += n; if (total % (32 << 20) < n) max = Math.Max(max, GC.GetTotalMemory(false)); }
        }
        output.WriteLine($"read {total} in {sw.Elapsed}, heap before {before >> 20} MB, max sampled {max >> 20} MB, peak WS {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
    }
}
