using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Connectors.Sources.Sftp;

namespace Connectors.Tests;

public sealed class SftpPgpDecryptorTests
{
    private static readonly PgpTestKeys Keys = PgpTestKeys.Default;
    private static PgpPrivateKeyMaterial Material => new(Keys.ArmoredSecretKey, Keys.Passphrase);

    private static byte[] SampleXml(int conversations = 200)
    {
        var builder = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileDump>\n");
        for (var i = 0; i < conversations; i++)
        {
            builder.Append(CultureInvariant($"  <Conversation><RoomID>CHAT:{i}</RoomID><Message><Content>Hello {i} – ünïcødé</Content></Message></Conversation>\n"));
        }
        return Encoding.UTF8.GetBytes(builder.Append("</FileDump>\n").ToString());
    }

    private static string CultureInvariant(FormattableString value) => FormattableString.Invariant(value);

    private static byte[] Decrypt(byte[] ciphertext, PgpPrivateKeyMaterial? key = null)
    {
        using var plain = PgpDecryptor.OpenDecrypted(new MemoryStream(ciphertext), key ?? Material);
        using var output = new MemoryStream();
        plain.CopyTo(output);
        Assert.True(plain.IsVerified);
        return output.ToArray();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Round_trip(bool armor, bool compress)
    {
        var xml = SampleXml();
        var ciphertext = Keys.Encrypt(xml, "f123456.ib19.261124.xml", armor, compress);
        Assert.Equal(armor, ciphertext.AsSpan().StartsWith("-----BEGIN PGP MESSAGE-----"u8));

        using var plain = PgpDecryptor.OpenDecrypted(new MemoryStream(ciphertext), Material);
        using var output = new MemoryStream();
        plain.CopyTo(output);

        Assert.Equal(xml, output.ToArray());
        Assert.True(plain.IsVerified);
        Assert.Equal("f123456.ib19.261124.xml", plain.FileName);
        Assert.Equal(Keys.EncryptionKeyIdHex, plain.KeyId); // the subkey, chosen by the file's key id
    }

    [Fact]
    public void Armor_with_a_byte_order_mark_and_leading_blank_lines_is_accepted()
    {
        var armored = Keys.Encrypt("x"u8.ToArray(), "x.xml", armor: true, compress: false);
        var withNoise = new byte[] { 0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\n', (byte)'\n' }.Concat(armored).ToArray();

        Assert.Equal("x"u8.ToArray(), Decrypt(withNoise));
    }

    [Fact]
    public void Decryption_streams_a_large_file_from_a_forward_only_stream()
    {
        // 64 MB, compressed and not: the decryptor never seeks and never holds the whole plaintext.
        var directory = RepositoryPaths.NewTempDirectory("connectors-pgp");
        try
        {
            foreach (var compress in new[] { false, true })
            {
                var encryptedPath = Path.Combine(directory, $"big-{compress}.gpg");
                var expected = WriteEncrypted(encryptedPath, 64L * 1024 * 1024, compress);

                using var source = new ForwardOnlyStream(File.OpenRead(encryptedPath));
                using var plain = PgpDecryptor.OpenDecrypted(source, Material);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = plain.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
                Assert.True(plain.IsVerified);
                Assert.Equal(expected, Convert.ToHexString(hash.GetHashAndReset()));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Wrong_passphrase_says_so()
    {
        var ciphertext = Keys.Encrypt(SampleXml(1), "a.xml", armor: false, compress: true);

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(ciphertext, new PgpPrivateKeyMaterial(Keys.ArmoredSecretKey, "wrong")));

        Assert.Equal(PgpFailureReason.WrongPassphrase, ex.Reason);
        Assert.Contains(Keys.EncryptionKeyIdHex, ex.Message);
    }

    [Fact]
    public void A_file_for_another_key_lists_the_key_ids()
    {
        var ciphertext = PgpTestKeys.Other.Encrypt(SampleXml(1), "a.xml", armor: true, compress: true);

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(ciphertext));

        Assert.Equal(PgpFailureReason.NoMatchingKey, ex.Reason);
        Assert.Contains(PgpTestKeys.Other.EncryptionKeyIdHex, ex.Message); // what the file wants
        Assert.Contains(Keys.EncryptionKeyIdHex, ex.Message);              // what we hold
        Assert.Contains(Keys.PrimaryKeyIdHex, ex.Message);
    }

    [Fact]
    public void A_key_ring_bundle_with_old_and_new_keys_decrypts_files_for_either()
    {
        // During a key rotation the admin pastes both secret keys; both keys use different passphrases here, so
        // only files for the key whose passphrase is configured decrypt.
        var both = new PgpPrivateKeyMaterial(PgpTestKeys.Other.ArmoredSecretKey + "\n" + Keys.ArmoredSecretKey, Keys.Passphrase);
        var ciphertext = Keys.Encrypt("new"u8.ToArray(), "a.xml", armor: false, compress: false);

        Assert.Equal("new"u8.ToArray(), Decrypt(ciphertext, both));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_tampered_file_fails_the_integrity_check(bool armor, bool compress)
    {
        // One flipped bit in the encrypted body (binary, then re-armored if asked): the plaintext decrypts to
        // something, but it must never be accepted.
        var binary = Keys.Encrypt(SampleXml(100), "a.xml", armor: false, compress);
        Assert.InRange(binary.Length, 300, 60_000);
        var tampered = PgpTestKeys.Tamper(binary);
        var input = armor ? Encoding.ASCII.GetBytes(PgpTestKeys.Armor(tampered)) : tampered;

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(input));

        Assert.Equal(PgpFailureReason.IntegrityCheckFailed, ex.Reason);
        Assert.StartsWith("Integrity check failed", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_flipped_bit_anywhere_is_never_accepted(bool compress)
    {
        var plaintext = SampleXml(100);
        var binary = Keys.Encrypt(plaintext, "a.xml", armor: false, compress);
        var accepted = new List<int>();
        // Every byte of the packet headers and key id, then about a hundred places spread over the rest.
        var offsets = Enumerable.Range(0, 32).Concat(Enumerable.Range(0, 100).Select(i => 32 + (int)((binary.Length - 33L) * i / 99)));
        foreach (var offset in offsets)
        {
            byte[] decrypted;
            try
            {
                decrypted = Decrypt(PgpTestKeys.Tamper(binary, offset));
            }
            catch (PgpDecryptionException ex)
            {
                // Header damage makes it unreadable or names another key; anything else is caught as corruption.
                Assert.True(ex.Reason is PgpFailureReason.IntegrityCheckFailed or PgpFailureReason.NotPgp or PgpFailureReason.NoMatchingKey,
                    $"offset {offset}: {ex.Reason}: {ex.Message}");
                continue;
            }
            // A flip that decrypts must have hit a header byte BouncyCastle does not insist on (the key packet's
            // version at 3, the low byte of the RSA value's bit count at 14, the encrypted packet's version after
            // its length): the plaintext is exactly the original, which is what matters.
            Assert.True(plaintext.AsSpan().SequenceEqual(decrypted), $"offset {offset}: modified plaintext was accepted");
            accepted.Add(offset);
        }
        Assert.All(accepted, offset => Assert.True(offset < 300, $"a flip at {offset} (past the headers) was accepted"));
    }

    [Fact]
    public void An_uncompressed_tampered_file_reaches_the_end_and_fails_on_the_MDC()
    {
        var binary = Keys.Encrypt(SampleXml(100), "a.xml", armor: false, compress: false);
        var tampered = PgpTestKeys.Tamper(binary);

        using var plain = PgpDecryptor.OpenDecrypted(new MemoryStream(tampered), Material);
        var buffer = new byte[4096];
        long total = 0;
        var ex = Assert.Throws<PgpDecryptionException>(() =>
        {
            int read;
            while ((read = plain.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
        });

        Assert.Equal(PgpFailureReason.IntegrityCheckFailed, ex.Reason);
        Assert.Contains("modification detection code does not match", ex.Message);
        Assert.Equal(SampleXml(100).Length, total); // all bytes came out; only the end-of-stream check caught it
        Assert.False(plain.IsVerified);
        Assert.Same(ex, Assert.Throws<PgpDecryptionException>(() => plain.Read(buffer, 0, buffer.Length))); // no second chance
    }

    [Fact]
    public void A_file_without_integrity_protection_is_refused()
    {
        var legacy = Keys.Encrypt(SampleXml(1), "a.xml", armor: false, compress: true, integrityProtected: false);

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(legacy));

        Assert.Equal(PgpFailureReason.NotIntegrityProtected, ex.Reason);
    }

    [Fact]
    public void A_truncated_file_fails_the_integrity_check()
    {
        var binary = Keys.Encrypt(SampleXml(100), "a.xml", armor: false, compress: false);

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(binary[..(binary.Length - 30)]));

        Assert.Equal(PgpFailureReason.IntegrityCheckFailed, ex.Reason);
    }

    [Fact]
    public void A_source_failure_is_not_reported_as_tampering()
    {
        var binary = Keys.Encrypt(SampleXml(100), "a.xml", armor: false, compress: false);

        using var plain = PgpDecryptor.OpenDecrypted(new FailingStream(binary, failAfter: binary.Length / 2), Material);
        var ex = Assert.Throws<IOException>(() => plain.CopyTo(Stream.Null));

        Assert.Equal("network down", ex.Message);
    }

    [Fact]
    public void Plain_files_are_not_PGP()
    {
        var xml = Assert.Throws<PgpDecryptionException>(() => Decrypt("<FileDump/>"u8.ToArray()));
        Assert.Equal(PgpFailureReason.NotPgp, xml.Reason);
        Assert.Contains("<FileDump/>", xml.Message);

        var empty = Assert.Throws<PgpDecryptionException>(() => Decrypt([]));
        Assert.Equal(PgpFailureReason.NotPgp, empty.Reason);

        var gzip = Assert.Throws<PgpDecryptionException>(() => Decrypt([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0]));
        Assert.Equal(PgpFailureReason.NotPgp, gzip.Reason);

        var binaryJunk = Assert.Throws<PgpDecryptionException>(() => Decrypt([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F']));
        Assert.Equal(PgpFailureReason.NotPgp, binaryJunk.Reason);
    }

    [Fact]
    public void A_public_key_instead_of_the_secret_key_is_an_invalid_key()
    {
        var ciphertext = Keys.Encrypt("x"u8.ToArray(), "a.xml", armor: false, compress: false);

        var ex = Assert.Throws<PgpDecryptionException>(() => Decrypt(ciphertext, new PgpPrivateKeyMaterial(Keys.ArmoredPublicKey, Keys.Passphrase)));

        Assert.Equal(PgpFailureReason.InvalidKey, ex.Reason);
        Assert.Contains("public key", ex.Message);
        Assert.Equal(PgpFailureReason.InvalidKey,
            Assert.Throws<PgpDecryptionException>(() => PgpDecryptor.Inspect(new PgpPrivateKeyMaterial("garbage", "x"))).Reason);
    }

    [Fact]
    public void Inspect_reports_ids_dates_expiry_and_the_passphrase()
    {
        var created = DateTime.UtcNow.AddDays(-10);
        var keys = PgpTestKeys.Generate("pass", TimeSpan.FromDays(30), created);

        var info = PgpDecryptor.Inspect(new PgpPrivateKeyMaterial(keys.ArmoredSecretKey, "pass"));

        Assert.Equal(keys.PrimaryKeyIdHex, info.KeyId);
        Assert.Equal([keys.EncryptionKeyIdHex], info.EncryptionKeyIds);
        Assert.Equal(keys.Created, info.Created.UtcDateTime);
        Assert.Equal(keys.Created.AddDays(30), info.Expires!.Value.UtcDateTime);
        Assert.True(info.PassphraseOk);
        Assert.False(info.IsExpired(DateTimeOffset.UtcNow));
        Assert.True(info.IsExpired(DateTimeOffset.UtcNow.AddDays(21)));

        Assert.False(PgpDecryptor.Inspect(new PgpPrivateKeyMaterial(keys.ArmoredSecretKey, "nope")).PassphraseOk);
    }

    [Fact]
    public void Inspect_reports_no_expiry_and_past_expiry()
    {
        Assert.Null(PgpDecryptor.Inspect(new PgpPrivateKeyMaterial(PgpTestKeys.Other.ArmoredSecretKey, PgpTestKeys.Other.Passphrase)).Expires);

        var expired = PgpTestKeys.Generate("pass", TimeSpan.FromDays(365), DateTime.UtcNow.AddDays(-400));
        var info = PgpDecryptor.Inspect(new PgpPrivateKeyMaterial(expired.ArmoredSecretKey, "pass"));
        Assert.True(info.IsExpired(DateTimeOffset.UtcNow));

        // An expired key still decrypts what was delivered before it expired.
        var ciphertext = expired.Encrypt("late"u8.ToArray(), "a.xml", armor: false, compress: false);
        Assert.Equal("late"u8.ToArray(), Decrypt(ciphertext, new PgpPrivateKeyMaterial(expired.ArmoredSecretKey, "pass")));
    }

    [Fact]
    public void A_file_encrypted_by_GnuPG_decrypts()
    {
        // What vendors actually run: GnuPG (installed by scripts/prerequisites.sh --tests).
        Assert.True(File.Exists("/usr/bin/gpg"), "GnuPG is missing: run bash scripts/prerequisites.sh --tests");
        var home = RepositoryPaths.NewTempDirectory("connectors-gnupg");
        try
        {
            File.WriteAllText(Path.Combine(home, "ours.asc"), Keys.ArmoredPublicKey);
            var xml = SampleXml(50);
            File.WriteAllBytes(Path.Combine(home, "f1.ib19.261124.xml"), xml);
            Gpg(home, "--import", Path.Combine(home, "ours.asc"));
            Gpg(home, "--trust-model", "always", "--recipient", Keys.PrimaryKeyIdHex, "--output", Path.Combine(home, "f1.ib19.261124.xml.gpg"),
                "--encrypt", Path.Combine(home, "f1.ib19.261124.xml"));
            Gpg(home, "--trust-model", "always", "--recipient", Keys.PrimaryKeyIdHex, "--armor", "--compress-algo", "none",
                "--output", Path.Combine(home, "f1.ib19.261124.xml.asc"), "--encrypt", Path.Combine(home, "f1.ib19.261124.xml"));

            Assert.Equal(xml, Decrypt(File.ReadAllBytes(Path.Combine(home, "f1.ib19.261124.xml.gpg"))));
            Assert.Equal(xml, Decrypt(File.ReadAllBytes(Path.Combine(home, "f1.ib19.261124.xml.asc"))));
        }
        finally
        {
            try
            {
                Process.Start("gpgconf", ["--homedir", home, "--kill", "all"])?.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No gpgconf: no agent was started either.
            }
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("f123456.ib19.261124.xml.gpg", true, "f123456.ib19.261124.xml")]
    [InlineData("f123456.msg.att.261124.0.tar.gz.PGP", true, "f123456.msg.att.261124.0.tar.gz")]
    [InlineData("messages.xml.asc", true, "messages.xml")]
    [InlineData("messages.xml", false, "messages.xml")]
    [InlineData(".gpg", false, ".gpg")]
    [InlineData("gpg", false, "gpg")]
    public void Encrypted_names(string name, bool encrypted, string decryptedName)
    {
        Assert.Equal(encrypted, PgpDecryptor.LooksEncrypted(name));
        Assert.Equal(decryptedName, PgpDecryptor.DecryptedName(name));
    }

    [Theory]
    [InlineData("f123456.ib19.261124.xml.gpg", "*.ib19.*.xml*.gpg", true)]
    [InlineData("f123456.ib19.261124.xml1.gpg", "*.ib19.*.xml*.gpg", true)]
    [InlineData("F123456.IB19.261124.XML2.GPG", "*.ib19.*.xml*.gpg", true)]
    [InlineData("f123456.ib19.att.261124.tar.gz.gpg", "*.ib19.*.xml*.gpg", false)]
    [InlineData("f123456.msg.att.261124.0.tar.gz.gpg", "*.att.*.tar.gz.gpg", true)]
    [InlineData("f123456.msg.261124.xml.gpg", "f??????.msg.??????.xml.gpg", true)]
    [InlineData("f12345.msg.261124.xml.gpg", "f??????.msg.??????.xml.gpg", false)]
    [InlineData("anything", "*", true)]
    [InlineData("", "*", true)]
    [InlineData("", "?", false)]
    [InlineData("abc", "abc", true)]
    [InlineData("abcd", "abc", false)]
    [InlineData("abc", "a*b*c*", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*c", false)]
    public void Glob(string name, string pattern, bool matches) => Assert.Equal(matches, FileGlob.IsMatch(name, pattern));

    private static string WriteEncrypted(string path, long size, bool compress)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(7);
        var plainPath = path + ".plain";
        using (var plainOut = File.Create(plainPath))
        {
            var buffer = new byte[1 << 20];
            for (long written = 0; written < size; written += buffer.Length)
            {
                // Half random, half text-like so compression has something to do.
                random.NextBytes(buffer.AsSpan(0, buffer.Length / 2));
                buffer.AsSpan(buffer.Length / 2).Fill((byte)'x');
                plainOut.Write(buffer);
                hash.AppendData(buffer);
            }
        }
        using (var plainIn = File.OpenRead(plainPath))
        using (var output = File.Create(path))
        {
            Keys.Encrypt(plainIn, output, "big.xml", armor: false, compress);
        }
        File.Delete(plainPath);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Gpg(string home, params string[] args)
    {
        var start = new ProcessStartInfo("gpg", ["--homedir", home, "--batch", "--yes", "--no-tty", .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"gpg {string.Join(' ', args)}: {stderr.Result}");
    }

    /// <summary>A stream that cannot seek or report its length, like a network download.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
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
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>Serves bytes, then fails like a dropped connection.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                throw new IOException("network down");
            }
            var n = Math.Min(count, failAfter - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
