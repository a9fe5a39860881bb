using System.Globalization;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Connectors.Sources.Sftp;

/// <summary>Our OpenPGP secret key (the vendor encrypts to its public half) and its passphrase.</summary>
/// <param name="ArmoredSecretKey">
/// ASCII-armored secret key block (<c>gpg --export-secret-keys --armor</c>); may hold several key rings (old
/// and new key during a rotation).
/// </param>
/// <param name="Passphrase">The passphrase protecting the secret key(s).</param>
public sealed record PgpPrivateKeyMaterial(string ArmoredSecretKey, string Passphrase)
{
    // Never print the secret key or the passphrase.
    public override string ToString() => $"PgpPrivateKeyMaterial({ArmoredSecretKey.Length} chars, passphrase hidden)";
}

/// <summary>What the configured key looks like: shown on validation, and used to alert before it expires.</summary>
/// <param name="KeyId">The primary key id (16 hex digits, as <c>gpg --keyid-format long</c> prints).</param>
/// <param name="Created">When the primary key was created.</param>
/// <param name="Expires">
/// When a vendor can no longer encrypt to this key (the earliest of the primary key's expiry and the latest
/// encryption subkey's expiry), from the keys' self-signatures; <see langword="null"/> if it never expires.
/// Already-delivered files still decrypt after that date.
/// </param>
/// <param name="PassphraseOk">Whether the passphrase unlocks every secret key in the ring.</param>
public sealed record PgpKeyInfo(string KeyId, DateTimeOffset Created, DateTimeOffset? Expires, bool PassphraseOk)
{
    /// <summary>Ids of the keys files can be encrypted to (usually the encryption subkey), for matching against a file.</summary>
    public IReadOnlyList<string> EncryptionKeyIds { get; init; } = [];

    /// <summary>Whether the key has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => Expires is { } expires && expires <= now;
}

/// <summary>Why a file could not be decrypted.</summary>
public enum PgpFailureReason
{
    /// <summary>The file is neither binary OpenPGP nor ASCII-armored OpenPGP.</summary>
    NotPgp,
    /// <summary>OpenPGP, but not encrypted (only signed or compressed), or encrypted with a passphrase instead of a key.</summary>
    NotEncrypted,
    /// <summary>The configured key material is not a readable OpenPGP secret key.</summary>
    InvalidKey,
    /// <summary>None of our secret keys is a recipient of the file.</summary>
    NoMatchingKey,
    /// <summary>The passphrase does not unlock the secret key.</summary>
    WrongPassphrase,
    /// <summary>The file has no modification detection code, so tampering could not be detected; refused.</summary>
    NotIntegrityProtected,
    /// <summary>The file was modified, truncated or corrupted (MDC, CRC, packet or compression error).</summary>
    IntegrityCheckFailed,
}

/// <summary>A vendor file could not be decrypted; <see cref="Reason"/> says why, the message says it for people.</summary>
public sealed class PgpDecryptionException(PgpFailureReason reason, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public PgpFailureReason Reason { get; } = reason;
}

/// <summary>
/// Decrypts vendor files (Bloomberg, ICE, Refinitiv deliver <c>*.gpg</c>) with BouncyCastle's OpenPGP, streaming:
/// the plaintext is produced as it is read, so multi-GB files never sit in memory.
/// </summary>
/// <remarks>
/// Integrity: the stream returned by <see cref="OpenDecrypted"/> verifies the modification detection code
/// (MDC) when the reader reaches its end: the <c>Read</c> that would return 0 throws
/// <see cref="PgpDecryptionException"/> (<see cref="PgpFailureReason.IntegrityCheckFailed"/>) instead if the file
/// was altered or truncated. Consumers must therefore read to the end before trusting (committing) what they
/// parsed; a reader that stops early gets no verdict (<see cref="PgpDecryptedStream.IsVerified"/> stays false).
/// Signatures inside the message (signed-and-encrypted files) are skipped, not verified.
/// </remarks>
public static class PgpDecryptor
{
    private static readonly string[] EncryptedExtensions = [".gpg", ".pgp", ".asc"];

    /// <summary>Whether the file name says it is OpenPGP-encrypted (<c>.gpg</c>, <c>.pgp</c>, <c>.asc</c>).</summary>
    public static bool LooksEncrypted(string fileName) =>
        EncryptedExtensions.Any(extension => fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase)
            && fileName.Length > extension.Length);

    /// <summary>The name without the encryption extension: <c>f1.ib19.261124.xml.gpg</c> → <c>f1.ib19.261124.xml</c>.</summary>
    public static string DecryptedName(string fileName) =>
        LooksEncrypted(fileName) ? fileName[..^4] : fileName;

    /// <summary>
    /// Opens <paramref name="encrypted"/> (binary or ASCII-armored OpenPGP, compressed or not) and returns the
    /// plaintext as a stream that verifies integrity at its end (see the class remarks).
    /// </summary>
    /// <param name="encrypted">The encrypted file, read sequentially (no seeking needed).</param>
    /// <param name="key">Our secret key ring; the key is chosen by the key id(s) the file names.</param>
    /// <param name="leaveOpen">Whether disposing the result leaves <paramref name="encrypted"/> open.</param>
    /// <exception cref="PgpDecryptionException">Not PGP, not for our key, wrong passphrase, no MDC, or corrupt.</exception>
    public static PgpDecryptedStream OpenDecrypted(Stream encrypted, PgpPrivateKeyMaterial key, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        ArgumentNullException.ThrowIfNull(key);

        var source = new SourceGuardStream(encrypted);
        try
        {
            var bundle = LoadSecretKeys(key);
            var encryptedData = ReadEncryptedDataList(OpenDecoder(source), source);
            var (data, privateKey) = FindRecipient(encryptedData, bundle, key.Passphrase);

            if (!data.IsIntegrityProtected())
            {
                throw new PgpDecryptionException(PgpFailureReason.NotIntegrityProtected,
                    "The file is encrypted without integrity protection (no MDC), so tampering could not be detected; " +
                    "ask the vendor to encrypt with a current OpenPGP tool.");
            }

            Stream clear;
            try
            {
                clear = data.GetDataStream(privateKey);
            }
            catch (Exception ex) when (IsContentError(ex, source))
            {
                throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                    $"Integrity check failed: decryption with key {FormatKeyId(data.KeyId)} could not start " +
                    $"(the file is corrupt or truncated): {ex.Message}", ex);
            }

            try
            {
                var literal = ReadLiteralData(new PgpObjectFactory(clear));
                return new PgpDecryptedStream(literal, data, source, encrypted, leaveOpen);
            }
            catch (Exception ex) when (IsContentError(ex, source))
            {
                throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                    $"Integrity check failed: the decrypted content is not valid OpenPGP data (the file is corrupt): {ex.Message}", ex);
            }
        }
        catch
        {
            if (!leaveOpen)
            {
                encrypted.Dispose();
            }
            throw;
        }
    }

    /// <summary>Reads the key material: ids, dates, expiry and whether the passphrase is right. Never decrypts anything.</summary>
    /// <exception cref="PgpDecryptionException">The material is not an OpenPGP secret key (<see cref="PgpFailureReason.InvalidKey"/>).</exception>
    public static PgpKeyInfo Inspect(PgpPrivateKeyMaterial key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bundle = LoadSecretKeys(key);
        var ring = bundle.GetKeyRings().First();
        var primary = ring.GetPublicKey();

        var passphraseOk = true;
        foreach (var secret in bundle.GetKeyRings().SelectMany(r => r.GetSecretKeys()))
        {
            if (!secret.IsPrivateKeyEmpty && TryExtract(secret, key.Passphrase) is null)
            {
                passphraseOk = false;
            }
        }

        var publicKeys = ring.GetPublicKeys().ToList();
        var encryptionKeys = publicKeys.Where(k => !k.IsMasterKey && k.IsEncryptionKey).ToList();
        if (encryptionKeys.Count == 0 && primary.IsEncryptionKey)
        {
            encryptionKeys.Add(primary);
        }

        var primaryExpiry = ExpiryOf(primary, primary);
        DateTimeOffset? encryptionExpiry = null;
        if (encryptionKeys.Count > 0)
        {
            var expiries = encryptionKeys.Select(k => ExpiryOf(k, primary)).ToList();
            // The vendor can encrypt as long as one encryption key is valid: the latest one counts (null = never).
            encryptionExpiry = expiries.Any(e => e is null) ? null : expiries.Max();
        }
        DateTimeOffset? expires = (primaryExpiry, encryptionExpiry) switch
        {
            (null, var e) => e,
            (var p, null) => p,
            (var p, var e) => p < e ? p : e,
        };

        return new PgpKeyInfo(FormatKeyId(primary.KeyId), ToUtc(primary.CreationTime), expires, passphraseOk)
        {
            EncryptionKeyIds = encryptionKeys.Select(k => FormatKeyId(k.KeyId)).ToList(),
        };
    }

    /// <summary>A key id as 16 upper-case hex digits (GnuPG's long key id).</summary>
    public static string FormatKeyId(long keyId) => ((ulong)keyId).ToString("X16", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ExpiryOf(PgpPublicKey key, PgpPublicKey primary)
    {
        // For subkeys, only binding signatures that verify against the primary key count (BouncyCastle's
        // warning on GetValidSeconds()): a forged packet cannot move the date.
        var seconds = key.IsMasterKey ? key.GetValidSeconds() : key.GetValidSeconds(primary);
        return seconds <= 0 ? null : ToUtc(key.CreationTime).AddSeconds(seconds);
    }

    private static DateTimeOffset ToUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static PgpSecretKeyRingBundle LoadSecretKeys(PgpPrivateKeyMaterial key)
    {
        if (string.IsNullOrWhiteSpace(key.ArmoredSecretKey))
        {
            throw new PgpDecryptionException(PgpFailureReason.InvalidKey, "No OpenPGP secret key is configured.");
        }
        if (key.ArmoredSecretKey.Contains("BEGIN PGP PUBLIC KEY BLOCK", StringComparison.Ordinal)
            && !key.ArmoredSecretKey.Contains("BEGIN PGP PRIVATE KEY BLOCK", StringComparison.Ordinal))
        {
            throw new PgpDecryptionException(PgpFailureReason.InvalidKey,
                "The configured OpenPGP key is a public key; decryption needs the secret key (gpg --export-secret-keys --armor).");
        }
        try
        {
            // Several armored blocks may be pasted one after the other (old and new key during a rotation).
            var rings = new List<PgpSecretKeyRing>();
            foreach (var block in SplitArmoredBlocks(key.ArmoredSecretKey))
            {
                using var input = new MemoryStream(Encoding.ASCII.GetBytes(block));
                rings.AddRange(new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(input)).GetKeyRings());
            }
            var bundle = new PgpSecretKeyRingBundle(rings);
            if (bundle.Count == 0)
            {
                throw new PgpDecryptionException(PgpFailureReason.InvalidKey, "The configured OpenPGP key block holds no secret key.");
            }
            return bundle;
        }
        catch (Exception ex) when (ex is PgpException or IOException)
        {
            throw new PgpDecryptionException(PgpFailureReason.InvalidKey,
                $"The configured OpenPGP secret key cannot be read: {ex.Message}", ex);
        }
    }

    private static IEnumerable<string> SplitArmoredBlocks(string text)
    {
        const string begin = "-----BEGIN PGP ";
        var starts = new List<int>();
        for (var at = text.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = text.IndexOf(begin, at + begin.Length, StringComparison.Ordinal))
        {
            starts.Add(at);
        }
        if (starts.Count <= 1)
        {
            yield return text.Trim() + "\n";
            yield break;
        }
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : text.Length;
            if (string.CompareOrdinal(text, starts[i], "-----BEGIN PGP PUBLIC KEY BLOCK", 0, 32) == 0)
            {
                continue; // a public block pasted along with the secret one
            }
            yield return text[starts[i]..end].Trim() + "\n";
        }
    }

    /// <summary>Detects armor by the first bytes (no seeking: SFTP and network streams are forward-only).</summary>
    private static Stream OpenDecoder(Stream source)
    {
        var head = new byte[64];
        var count = ReadAtLeast(source, head);
        if (count == 0)
        {
            throw new PgpDecryptionException(PgpFailureReason.NotPgp, "The file is empty, not an OpenPGP message.");
        }
        var replay = new PrefixedStream(head.AsMemory(0, count), source);

        var hasBom = count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF;
        if (!hasBom && (head[0] & 0x80) != 0)
        {
            return replay; // a binary OpenPGP packet header always has the top bit set
        }
        var text = Encoding.ASCII.GetString(head, hasBom ? 3 : 0, count - (hasBom ? 3 : 0)).TrimStart();
        if (text.StartsWith("-----BEGIN PGP", StringComparison.Ordinal))
        {
            return new ArmoredInputStream(replay);
        }
        throw new PgpDecryptionException(PgpFailureReason.NotPgp,
            $"The file is not an OpenPGP message (neither binary nor ASCII-armored); it starts with \"{Printable(head.AsSpan(0, Math.Min(count, 16)))}\".");
    }

    private static PgpEncryptedDataList ReadEncryptedDataList(Stream decoder, SourceGuardStream source)
    {
        var factory = new PgpObjectFactory(decoder);
        while (true)
        {
            object? next;
            try
            {
                next = factory.NextPgpObject();
            }
            catch (Exception ex) when (IsContentError(ex, source))
            {
                throw new PgpDecryptionException(PgpFailureReason.NotPgp, $"The file is not a valid OpenPGP message: {ex.Message}", ex);
            }
            switch (next)
            {
                case PgpMarker:
                    continue; // legacy marker packet some tools emit first
                case PgpEncryptedDataList list:
                    return list;
                case null:
                    throw new PgpDecryptionException(PgpFailureReason.NotPgp, "The file holds no OpenPGP packets.");
                default:
                    throw new PgpDecryptionException(PgpFailureReason.NotEncrypted,
                        $"The file is OpenPGP but not encrypted (it starts with {next.GetType().Name.Replace("Pgp", "", StringComparison.Ordinal)}).");
            }
        }
    }

    private static (PgpPublicKeyEncryptedData Data, PgpPrivateKey Key) FindRecipient(
        PgpEncryptedDataList list, PgpSecretKeyRingBundle bundle, string passphrase)
    {
        var recipients = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().ToList();
        if (recipients.Count == 0)
        {
            throw new PgpDecryptionException(PgpFailureReason.NotEncrypted,
                "The file is encrypted with a passphrase (symmetric), not to a public key; vendor files must be encrypted to our key.");
        }

        PgpDecryptionException? passphraseError = null;
        foreach (var data in recipients)
        {
            var secret = bundle.GetSecretKey(data.KeyId);
            if (secret is null)
            {
                continue;
            }
            if (secret.IsPrivateKeyEmpty)
            {
                throw new PgpDecryptionException(PgpFailureReason.NoMatchingKey,
                    $"The secret key {FormatKeyId(data.KeyId)} in the configured key ring is only a stub (its private part is " +
                    "offline or on a smartcard); export the full secret subkey.");
            }
            var privateKey = TryExtract(secret, passphrase);
            if (privateKey is null)
            {
                passphraseError = new PgpDecryptionException(PgpFailureReason.WrongPassphrase,
                    $"The passphrase does not unlock secret key {FormatKeyId(data.KeyId)}.");
                continue;
            }
            return (data, privateKey);
        }
        if (passphraseError is not null)
        {
            throw passphraseError;
        }

        // Hidden recipients (key id 0, "gpg --throw-keyids"): try every secret key we hold.
        foreach (var data in recipients.Where(r => r.KeyId == 0))
        {
            foreach (var secret in bundle.GetKeyRings().SelectMany(r => r.GetSecretKeys()))
            {
                if (secret.IsPrivateKeyEmpty || !secret.PublicKey.IsEncryptionKey || TryExtract(secret, passphrase) is not { } privateKey)
                {
                    continue;
                }
                try
                {
                    _ = data.GetSymmetricAlgorithm(privateKey);
                    return (data, privateKey);
                }
                catch (PgpException)
                {
                    // Not this key.
                }
            }
        }

        var ours = bundle.GetKeyRings().SelectMany(r => r.GetSecretKeys()).Select(k => FormatKeyId(k.KeyId));
        throw new PgpDecryptionException(PgpFailureReason.NoMatchingKey,
            $"The file is encrypted for key id(s) {string.Join(", ", recipients.Select(r => r.KeyId == 0 ? "hidden" : FormatKeyId(r.KeyId)))}, " +
            $"but the configured secret key ring holds {string.Join(", ", ours)}: the vendor uses another (old or new) public key of ours.");
    }

    private static PgpPrivateKey? TryExtract(PgpSecretKey secret, string passphrase)
    {
        // GnuPG hashes the UTF-8 bytes of the passphrase; older tools used one byte per char. Identical for ASCII.
        try
        {
            return secret.ExtractPrivateKeyUtf8(passphrase.ToCharArray());
        }
        catch (PgpException) when (passphrase.Any(c => c > 0x7F))
        {
            try
            {
                return secret.ExtractPrivateKey(passphrase.ToCharArray());
            }
            catch (PgpException)
            {
                return null;
            }
        }
        catch (PgpException)
        {
            return null;
        }
    }

    private static PgpLiteralData ReadLiteralData(PgpObjectFactory factory)
    {
        while (true)
        {
            switch (factory.NextPgpObject())
            {
                case PgpCompressedData compressed:
                    factory = new PgpObjectFactory(compressed.GetDataStream());
                    continue;
                case PgpOnePassSignatureList or PgpSignatureList or PgpMarker:
                    continue; // signed-and-encrypted: the literal data follows
                case PgpLiteralData literal:
                    return literal;
                case null:
                    throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                        "Integrity check failed: the decrypted message holds no data (truncated or corrupt file).");
                case var other:
                    throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                        $"Integrity check failed: unexpected {other.GetType().Name} inside the encrypted message.");
            }
        }
    }

    /// <summary>
    /// An error raised while parsing the (untrusted) OpenPGP bytes, as opposed to the source stream failing
    /// (network, disk: rethrown as is) or our own decision (<see cref="PgpDecryptionException"/>). BouncyCastle
    /// reports malformed input with many exception types (IOException, PgpException, InvalidDataException,
    /// UnsupportedPacketVersionException, DecoderFallbackException…), so everything else counts as content.
    /// </summary>
    internal static bool IsContentError(Exception ex, SourceGuardStream source) =>
        !source.Failed && ex is not (PgpDecryptionException or OperationCanceledException or ObjectDisposedException or OutOfMemoryException);

    private static int ReadAtLeast(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            builder.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }
        return builder.ToString();
    }
}

/// <summary>
/// The plaintext of a vendor file, streamed. When the reader reaches the end, the MDC is verified and a failure
/// throws <see cref="PgpDecryptionException"/> from that final <c>Read</c>; see <see cref="PgpDecryptor"/>.
/// Disposing it disposes the encrypted source unless it was opened with <c>leaveOpen</c>.
/// </summary>
public sealed class PgpDecryptedStream : Stream
{
    private readonly PgpPublicKeyEncryptedData _data;
    private readonly Stream _content;
    private readonly SourceGuardStream _source;
    private readonly Stream _encrypted;
    private readonly bool _leaveOpen;
    private long _position;
    private bool _disposed;
    private PgpDecryptionException? _failure;

    internal PgpDecryptedStream(PgpLiteralData literal, PgpPublicKeyEncryptedData data, SourceGuardStream source, Stream encrypted, bool leaveOpen)
    {
        _data = data;
        _content = literal.GetInputStream();
        _source = source;
        _encrypted = encrypted;
        _leaveOpen = leaveOpen;
        // Decoded leniently: a sender's odd file-name encoding must not make the content unreadable.
        FileName = new UTF8Encoding(false, false).GetString(literal.GetRawFileName());
        ModificationTime = literal.ModificationTime;
        KeyId = PgpDecryptor.FormatKeyId(data.KeyId);
    }

    /// <summary>The file name stored inside the message by the sender (may be empty).</summary>
    public string FileName { get; }

    /// <summary>The modification time stored inside the message by the sender.</summary>
    public DateTime ModificationTime { get; }

    /// <summary>The id of our key the file was decrypted with.</summary>
    public string KeyId { get; }

    /// <summary>True once the end was reached and the integrity check passed.</summary>
    public bool IsVerified { get; private set; }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("The decrypted length is known only at the end.");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw _failure; // the verdict stands: reading on must not look like success
        }
        if (IsVerified || buffer.IsEmpty)
        {
            return 0;
        }
        try
        {
            var read = _content.Read(buffer);
            if (read > 0)
            {
                _position += read;
                return read;
            }
            VerifyIntegrity();
            return 0;
        }
        catch (PgpDecryptionException ex)
        {
            _failure = ex;
            throw;
        }
        catch (Exception ex) when (PgpDecryptor.IsContentError(ex, _source))
        {
            _failure = new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                $"Integrity check failed: the encrypted data is corrupt or truncated after {_position.ToString("N0", CultureInfo.InvariantCulture)} bytes of plaintext: {ex.Message}", ex);
            throw _failure;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _encrypted.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    private void VerifyIntegrity()
    {
        bool ok;
        try
        {
            // Drains what follows the literal data (signatures, the MDC packet) and compares the SHA-1 MDC.
            ok = _data.Verify();
        }
        catch (Exception ex) when (PgpDecryptor.IsContentError(ex, _source))
        {
            throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                $"Integrity check failed: the file is truncated or corrupt at its end: {ex.Message}", ex);
        }
        if (!ok)
        {
            throw new PgpDecryptionException(PgpFailureReason.IntegrityCheckFailed,
                "Integrity check failed: the modification detection code does not match; the file was altered or damaged " +
                "in transit and its content must not be used.");
        }
        IsVerified = true;
    }
}

/// <summary>Replays bytes already read (to sniff the format) before the rest of the stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
        {
            return inner.Read(buffer);
        }
        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Passes reads through and remembers whether the source itself failed, so a network or disk error is never
/// reported as a corrupt (tampered) file. Never disposes the source.
/// </summary>
internal sealed class SourceGuardStream(Stream inner) : Stream
{
    public bool Failed { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch
        {
            Failed = true;
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
