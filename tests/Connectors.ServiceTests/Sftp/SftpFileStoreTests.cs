using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Connectors.Imports;
using Connectors.Sources.Sftp;

namespace Connectors.Tests;

/// <summary>SFTP transport against a real OpenSSH server on loopback (see <see cref="LocalSftpServer"/>).</summary>
public sealed class SftpFileStoreTests(LocalSftpServer server) : IClassFixture<LocalSftpServer>
{
    private SftpEndpoint PasswordEndpoint(string? password = null, string? hostKey = "") =>
        new(server.Host, server.Port, server.Username, hostKey == "" ? server.HostKeyFingerprint : hostKey,
            password ?? server.Password, null, null);

    private SftpEndpoint KeyEndpoint(string privateKey, string? passphrase = null) =>
        new(server.Host, server.Port, server.Username, server.HostKeyFingerprint, null, privateKey, passphrase);

    [Fact]
    public async Task Password_login_lists_the_drop()
    {
        server.WriteFile("password-login/hello.txt", "hi"u8.ToArray());

        await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(), CancellationToken.None);
        var files = await store.ListAsync("/password-login", [], recursive: false, CancellationToken.None);

        var file = Assert.Single(files);
        Assert.Equal("/password-login/hello.txt", file.Path);
        Assert.Equal("hello.txt", file.Name);
        Assert.Equal(2, file.Size);
        Assert.Equal(server.HostKeyFingerprint, store.ServerFingerprint);
    }

    [Fact]
    public async Task Key_login_with_an_OpenSSH_ed25519_key()
    {
        server.WriteFile("key-login/a.xml.gpg", [1, 2, 3]);

        await using var store = await SftpFileStore.ConnectAsync(KeyEndpoint(server.ClientPrivateKey), CancellationToken.None);
        var files = await store.ListAsync("key-login", ["*.gpg"], recursive: false, CancellationToken.None);

        Assert.Equal(["/key-login/a.xml.gpg"], files.Select(f => f.Path));
        Assert.Contains(server.Log.Split('\n'), line => line.Contains("Accepted publickey for " + server.Username, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Key_login_with_an_encrypted_PEM_RSA_key_and_its_passphrase()
    {
        await using var store = await SftpFileStore.ConnectAsync(
            KeyEndpoint(server.EncryptedClientPrivateKey, LocalSftpServer.ClientKeyPassphrase), CancellationToken.None);
        Assert.NotNull(await store.ListAsync("/", [], recursive: false, CancellationToken.None));
    }

    [Fact]
    public async Task Wrong_password_is_an_authentication_failure_naming_user_and_method()
    {
        var ex = await Assert.ThrowsAsync<SourceAuthenticationException>(() =>
            SftpFileStore.ConnectAsync(PasswordEndpoint(password: "not-the-password"), CancellationToken.None));

        Assert.Contains($"'{server.Username}'", ex.Message);
        Assert.Contains("password", ex.Message);
        Assert.Contains($"sftp://127.0.0.1:{server.Port}", ex.Message);
    }

    [Fact]
    public async Task A_key_the_server_does_not_know_is_an_authentication_failure()
    {
        // The RSA key's passphrase is wrong: the key cannot even be read.
        var unreadable = await Assert.ThrowsAsync<SourceAuthenticationException>(() =>
            SftpFileStore.ConnectAsync(KeyEndpoint(server.EncryptedClientPrivateKey, "wrong"), CancellationToken.None));
        Assert.Contains("private key", unreadable.Message);

        var missingPassphrase = await Assert.ThrowsAsync<SourceAuthenticationException>(() =>
            SftpFileStore.ConnectAsync(KeyEndpoint(server.EncryptedClientPrivateKey), CancellationToken.None));
        Assert.Contains("no passphrase", missingPassphrase.Message);

        // A valid key that is not in authorized_keys.
        var stranger = await NewOpenSshKeyAsync();
        var rejected = await Assert.ThrowsAsync<SourceAuthenticationException>(() =>
            SftpFileStore.ConnectAsync(KeyEndpoint(stranger), CancellationToken.None));
        Assert.Contains("public key", rejected.Message);
    }

    [Fact]
    public async Task A_different_host_key_is_refused_before_logging_in()
    {
        server.WriteFile("mitm/secret.xml.gpg", [1]);
        const string pinned = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
        var loginsBefore = server.CountLogLines("Accepted ");

        var ex = await Assert.ThrowsAsync<HostKeyMismatchException>(() =>
            SftpFileStore.ConnectAsync(PasswordEndpoint(hostKey: pinned), CancellationToken.None));

        Assert.Equal(pinned, ex.Expected);
        Assert.Equal(server.HostKeyFingerprint, ex.Actual);
        Assert.Contains($"The SFTP server's host key changed: expected {pinned}, got {server.HostKeyFingerprint}", ex.Message);
        Assert.IsAssignableFrom<SftpConnectionException>(ex);
        // No credential was sent, so nothing was listed.
        await Task.Delay(200);
        Assert.Equal(loginsBefore, server.CountLogLines("Accepted "));
    }

    [Fact]
    public async Task No_pinned_host_key_is_refused_but_reports_the_real_fingerprint()
    {
        var loginsBefore = server.CountLogLines("Accepted ");

        var ex = await Assert.ThrowsAsync<HostKeyNotPinnedException>(() =>
            SftpFileStore.ConnectAsync(PasswordEndpoint(hostKey: null), CancellationToken.None));

        Assert.Equal(server.HostKeyFingerprint, ex.Actual);
        Assert.Contains(server.HostKeyFingerprint, ex.Message);
        Assert.IsAssignableFrom<SftpConnectionException>(ex);
        await Task.Delay(200);
        Assert.Equal(loginsBefore, server.CountLogLines("Accepted "));
    }

    [Fact]
    public async Task The_pin_may_omit_the_prefix_keep_padding_or_list_several_keys()
    {
        var bare = server.HostKeyFingerprint["SHA256:".Length..];
        foreach (var pin in new[] { bare, bare + "=", "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU, " + server.HostKeyFingerprint })
        {
            await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(hostKey: pin), CancellationToken.None);
            Assert.Equal(server.HostKeyFingerprint, store.ServerFingerprint);
        }
    }

    [Fact]
    public void Fingerprint_is_the_OpenSSH_SHA256_format()
    {
        // The fingerprint of the empty blob is the well-known SHA-256 of nothing, unpadded.
        Assert.Equal("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", SftpFileStore.Fingerprint([]));
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_error()
    {
        var closedPort = ClosedPort();
        var endpoint = PasswordEndpoint() with { Port = closedPort };

        var ex = await Assert.ThrowsAsync<SftpConnectionException>(() => SftpFileStore.ConnectAsync(endpoint, CancellationToken.None));

        Assert.StartsWith($"Cannot reach sftp://127.0.0.1:{closedPort}:", ex.Message);
        Assert.Contains("ConnectionRefused", ex.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        // Accepts TCP but never sends an SSH banner (a black-holing firewall or a hung server).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var endpoint = PasswordEndpoint() with { Port = port };
        var options = new SftpConnectOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<SftpConnectionException>(() => SftpFileStore.ConnectAsync(endpoint, options, CancellationToken.None));

        Assert.StartsWith($"Cannot reach sftp://127.0.0.1:{port}:", ex.Message);
        Assert.Contains("within 2 s", ex.Message);
    }

    [Fact]
    public async Task A_missing_folder_is_reported_as_such()
    {
        await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<SftpConnectionException>(() =>
            store.ListAsync("/no/such/folder", ["*"], recursive: true, CancellationToken.None));

        Assert.Equal($"Remote folder '/no/such/folder' does not exist on sftp://127.0.0.1:{server.Port}.", ex.Message);
    }

    [Fact]
    public async Task Listing_filters_by_vendor_patterns_case_insensitively_and_recurses_on_request()
    {
        var names = new[]
        {
            "bbg/f123456.ib19.261124.xml.gpg",
            "bbg/f123456.ib19.261124.xml1.gpg",        // a split file
            "bbg/f123456.ib19.261124.xml2.gpg",
            "bbg/F123456.IB19.261125.XML.GPG",         // vendor upper case
            "bbg/f123456.ib19.att.261124.tar.gz.gpg",
            "bbg/f123456.msg.261124.xml.gpg",
            "bbg/f123456.msg.att.261124.0.tar.gz.gpg",
            "bbg/f123456.dscl.261124.xml.gpg",
            "bbg/README.txt",
            "bbg/f123456.ib19.261124.xml",             // not encrypted: not matched by the .gpg patterns
            "bbg/2026/11/f123456.ib19.261120.xml.gpg", // archived in sub-folders
            "bbg/2026/f123456.msg.261101.xml.gpg",
        };
        foreach (var name in names)
        {
            server.WriteFile(name, Encoding.UTF8.GetBytes(name));
        }
        var modified = new DateTimeOffset(2026, 11, 24, 6, 30, 15, TimeSpan.Zero);
        server.SetModified("bbg/f123456.ib19.261124.xml.gpg", modified);

        await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(), CancellationToken.None);

        var chat = await store.ListAsync("/bbg", ["*.ib19.*.xml*.gpg"], recursive: false, CancellationToken.None);
        Assert.Equal(
            ["/bbg/F123456.IB19.261125.XML.GPG", "/bbg/f123456.ib19.261124.xml.gpg", "/bbg/f123456.ib19.261124.xml1.gpg", "/bbg/f123456.ib19.261124.xml2.gpg"],
            chat.Select(f => f.Path));
        var first = chat.Single(f => f.Name == "f123456.ib19.261124.xml.gpg");
        Assert.Equal(modified, first.ModifiedUtc);
        Assert.Equal(TimeSpan.Zero, first.ModifiedUtc.Offset);
        Assert.Equal("bbg/f123456.ib19.261124.xml.gpg".Length, first.Size);

        var attachments = await store.ListAsync("/bbg", ["*.att.*.tar.gz.gpg"], recursive: false, CancellationToken.None);
        Assert.Equal(["f123456.ib19.att.261124.tar.gz.gpg", "f123456.msg.att.261124.0.tar.gz.gpg"], attachments.Select(f => f.Name));

        var several = await store.ListAsync("/bbg", ["*.msg.??????.xml*.gpg", "*.dscl.*"], recursive: false, CancellationToken.None);
        Assert.Equal(["f123456.dscl.261124.xml.gpg", "f123456.msg.261124.xml.gpg"], several.Select(f => f.Name));

        var recursive = await store.ListAsync("/bbg", ["*.ib19.*.xml*.gpg", "*.msg.*.xml.gpg"], recursive: true, CancellationToken.None);
        Assert.Contains("/bbg/2026/11/f123456.ib19.261120.xml.gpg", recursive.Select(f => f.Path));
        Assert.Contains("/bbg/2026/f123456.msg.261101.xml.gpg", recursive.Select(f => f.Path));
        Assert.Equal(7, recursive.Count);
        Assert.DoesNotContain(recursive, f => f.Name == "2026" || f.Name == "11"); // folders are not files

        var everything = await store.ListAsync("/bbg", [], recursive: true, CancellationToken.None);
        Assert.Equal(names.Length, everything.Count);
    }

    [Fact]
    public async Task A_200_MB_file_streams_with_the_right_hash()
    {
        const long size = 200L * 1024 * 1024;
        string expected;
        var generated = new GeneratedStream(size, seed: 42);
        server.WriteFile("big/f123456.ib19.261124.xml1.gpg", generated);
        expected = Convert.ToHexString(generated.Hash());

        await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(), CancellationToken.None);
        var file = Assert.Single(await store.ListAsync("/big", ["*.gpg"], recursive: false, CancellationToken.None));
        Assert.Equal(size, file.Size);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        await using (var stream = store.OpenRead(file.Path))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
        }
        Assert.Equal(size, total);
        Assert.Equal(expected, Convert.ToHexString(hash.GetHashAndReset()));
    }

    [Fact]
    public async Task Opening_a_missing_file_is_FileNotFound()
    {
        await using var store = await SftpFileStore.ConnectAsync(PasswordEndpoint(), CancellationToken.None);

        var ex = Assert.Throws<FileNotFoundException>(() => store.OpenRead("/gone/f1.xml.gpg"));
        Assert.Equal("/gone/f1.xml.gpg", ex.FileName);
    }

    [Fact]
    public async Task An_encrypted_vendor_file_downloads_and_decrypts_in_one_stream()
    {
        var keys = PgpTestKeys.Default;
        var xml = Encoding.UTF8.GetBytes("<FileDump><Conversation><RoomID>CHAT:1</RoomID></Conversation></FileDump>");
        server.WriteFile("vendor/f123456.ib19.261124.xml.gpg", keys.Encrypt(xml, "f123456.ib19.261124.xml", armor: false, compress: true));

        await using var store = await SftpFileStore.ConnectAsync(KeyEndpoint(server.ClientPrivateKey), CancellationToken.None);
        var file = Assert.Single(await store.ListAsync("/vendor", ["*.ib19.*.xml*.gpg"], recursive: false, CancellationToken.None));
        Assert.True(PgpDecryptor.LooksEncrypted(file.Name));

        using var plain = PgpDecryptor.OpenDecrypted(store.OpenRead(file.Path), new PgpPrivateKeyMaterial(keys.ArmoredSecretKey, keys.Passphrase));
        using var copy = new MemoryStream();
        await plain.CopyToAsync(copy);

        Assert.Equal(xml, copy.ToArray());
        Assert.True(plain.IsVerified);
        Assert.Equal(PgpDecryptor.DecryptedName(file.Name), plain.FileName);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed
    }

    private static async Task<string> NewOpenSshKeyAsync()
    {
        var path = Path.Combine(RepositoryPaths.NewTempDirectory("connectors-sshkey"), "id_ed25519");
        try
        {
            using var process = System.Diagnostics.Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])!;
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return await File.ReadAllTextAsync(path);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>Deterministic pseudo-random bytes of a given length, hashed as they are produced (never held).</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public byte[] Hash() => _hash.GetHashAndReset();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            if (n <= 0)
            {
                return 0;
            }
            _random.NextBytes(buffer.AsSpan(offset, n));
            _hash.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
