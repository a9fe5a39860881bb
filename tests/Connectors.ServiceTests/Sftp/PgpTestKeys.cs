using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Connectors.Tests;

/// <summary>
/// Throw-away OpenPGP keys made with BouncyCastle, and files encrypted with them the way a vendor does
/// (GnuPG-like: RSA encryption subkey, AES-256, integrity protected with an MDC, optionally ZIP-compressed and
/// ASCII-armored).
/// </summary>
/// <remarks>
/// Depends on BouncyCastle only (no Connectors type), so it can move to tests/Shared once every project that
/// compiles tests/Shared references BouncyCastle.Cryptography (the end-to-end project does not today).
/// </remarks>
public sealed class PgpTestKeys
{
    private static readonly Lazy<PgpTestKeys> DefaultKeys = new(() => Generate("vendor-key-passphrase", TimeSpan.FromDays(365)));
    private static readonly Lazy<PgpTestKeys> OtherKeys = new(() => Generate("other-key-passphrase"));

    private readonly PgpPublicKey _encryptionKey;

    private PgpTestKeys(string armoredSecretKey, string armoredPublicKey, string passphrase, PgpPublicKey primary, PgpPublicKey encryptionKey)
    {
        ArmoredSecretKey = armoredSecretKey;
        ArmoredPublicKey = armoredPublicKey;
        Passphrase = passphrase;
        PrimaryKeyId = primary.KeyId;
        EncryptionKeyId = encryptionKey.KeyId;
        Created = DateTime.SpecifyKind(primary.CreationTime, DateTimeKind.Utc);
        _encryptionKey = encryptionKey;
    }

    /// <summary>A key pair shared by tests (valid one year from now), generated once per test process.</summary>
    public static PgpTestKeys Default => DefaultKeys.Value;

    /// <summary>A second, unrelated key pair (no expiry): "the vendor encrypted to someone else's key".</summary>
    public static PgpTestKeys Other => OtherKeys.Value;

    public string ArmoredSecretKey { get; }
    public string ArmoredPublicKey { get; }
    public string Passphrase { get; }
    public long PrimaryKeyId { get; }
    public long EncryptionKeyId { get; }
    public DateTime Created { get; }

    /// <summary>Primary key id as 16 upper-case hex digits.</summary>
    public string PrimaryKeyIdHex => ((ulong)PrimaryKeyId).ToString("X16");

    /// <summary>Encryption subkey id as 16 upper-case hex digits.</summary>
    public string EncryptionKeyIdHex => ((ulong)EncryptionKeyId).ToString("X16");

    /// <summary>
    /// An RSA-2048 primary key (certify/sign) with an RSA-2048 encryption subkey, both protected by
    /// <paramref name="passphrase"/> (AES-256, SHA-1 checksum) and expiring <paramref name="validFor"/> after
    /// <paramref name="created"/> (default now) when given.
    /// </summary>
    public static PgpTestKeys Generate(string passphrase, TimeSpan? validFor = null, DateTime? created = null,
        string userId = "Connectors Test <pgp-test@connectors.invalid>")
    {
        var random = new SecureRandom();
        var creation = DateTime.SpecifyKind(created ?? DateTime.UtcNow, DateTimeKind.Utc);
        creation = creation.AddTicks(-(creation.Ticks % TimeSpan.TicksPerSecond)); // OpenPGP stores whole seconds

        var rsa = new RsaKeyPairGenerator();
        rsa.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, 2048, 80));
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, rsa.GenerateKeyPair(), creation);
        var encryption = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, rsa.GenerateKeyPair(), creation);

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(false, [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetPreferredCompressionAlgorithms(false, [(int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.Uncompressed]);
        var subkeyPackets = new PgpSignatureSubpacketGenerator();
        subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
        if (validFor is { } validity)
        {
            primaryPackets.SetKeyExpirationTime(false, (long)validity.TotalSeconds);
            subkeyPackets.SetKeyExpirationTime(false, (long)validity.TotalSeconds);
        }

        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Aes256, HashAlgorithmTag.Sha256,
            passphrase.ToCharArray(), true, primaryPackets.Generate(), null, random);
        generator.AddSubKey(encryption, subkeyPackets.Generate(), null, HashAlgorithmTag.Sha256);

        var secretRing = generator.GenerateSecretKeyRing();
        var publicRing = generator.GeneratePublicKeyRing();
        return new PgpTestKeys(Armor(secretRing.GetEncoded()), Armor(publicRing.GetEncoded()), passphrase,
            publicRing.GetPublicKey(), publicRing.GetPublicKey(encryption.KeyId));
    }

    /// <summary>Encrypts <paramref name="plaintext"/> to this key as a vendor would (AES-256 with MDC).</summary>
    /// <param name="integrityProtected">False makes a legacy file without MDC (which must be refused).</param>
    public byte[] Encrypt(byte[] plaintext, string fileName, bool armor, bool compress, bool integrityProtected = true)
    {
        using var input = new MemoryStream(plaintext, writable: false);
        using var output = new MemoryStream();
        Encrypt(input, output, fileName, armor, compress, integrityProtected);
        return output.ToArray();
    }

    /// <summary>Streaming <see cref="Encrypt(byte[],string,bool,bool,bool)"/> (for large files); leaves <paramref name="output"/> open.</summary>
    public void Encrypt(Stream plaintext, Stream output, string fileName, bool armor, bool compress, bool integrityProtected = true)
    {
        var target = new KeepOpenStream(output);
        var armored = armor ? new ArmoredOutputStream(target) : null;
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, integrityProtected, new SecureRandom());
        generator.AddMethod(_encryptionKey);
        using (var encrypted = generator.Open(armored ?? (Stream)target, new byte[1 << 16]))
        {
            var compressor = compress ? new PgpCompressedDataGenerator(CompressionAlgorithmTag.Zip) : null;
            using (var compressed = compressor?.Open(encrypted, new byte[1 << 16]))
            {
                var literal = new PgpLiteralDataGenerator();
                using var literalOut = literal.Open(compressed ?? encrypted, PgpLiteralData.Binary, fileName, DateTime.UtcNow, new byte[1 << 16]);
                plaintext.CopyTo(literalOut);
            }
        }
        armored?.Dispose();
    }

    /// <summary>
    /// A copy of a binary (not armored) ciphertext with one bit flipped in its encrypted body, as transmission
    /// damage or tampering would leave it. Use a ciphertext below 64 KB so the flip lands in encrypted content
    /// rather than in a partial-length header.
    /// </summary>
    public static byte[] Tamper(byte[] binaryCiphertext, int? offset = null)
    {
        var copy = (byte[])binaryCiphertext.Clone();
        var at = offset ?? copy.Length * 2 / 3;
        copy[at] ^= 0x01;
        return copy;
    }

    /// <summary>ASCII armor around binary OpenPGP data.</summary>
    public static string Armor(byte[] binary)
    {
        using var output = new MemoryStream();
        using (var armored = new ArmoredOutputStream(new KeepOpenStream(output)))
        {
            armored.Write(binary);
        }
        return Encoding.ASCII.GetString(output.ToArray());
    }

    /// <summary>Lets BouncyCastle dispose "its" stream without closing ours.</summary>
    private sealed class KeepOpenStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
