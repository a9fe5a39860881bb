using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Connectors.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectors.Credentials;

public sealed class CredentialsOptions
{
    public const string Section = "Credentials";

    /// <summary>The secret parameter that protects the Data Protection keys stored in PostgreSQL.</summary>
    [Required, MinLength(16)]
    public string MasterKey { get; set; } = "";
}

/// <summary>
/// Connector credentials are encrypted with ASP.NET Core Data Protection. Its keys live in PostgreSQL,
/// themselves encrypted with a key derived from the master key parameter: a database dump alone cannot
/// decrypt anything. Every service uses one application name so the Api's writes are the Worker's reads.
/// </summary>
public static class CredentialProtectionExtensions
{
    public const string ApplicationName = "Connectors";

    public static IServiceCollection AddCredentialProtection(this IServiceCollection services)
    {
        services.AddOptions<CredentialsOptions>().BindConfiguration(CredentialsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<ConnectorsDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlEncryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<IOptions<CredentialsOptions>>().Value.MasterKey)));
        services.AddSingleton<CredentialProtector>();
        return services;
    }
}

/// <summary>Encrypts and decrypts a connector's credentials (a JSON object).</summary>
public sealed class CredentialProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Connectors.Credentials.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
}

/// <summary>AES-256-GCM over the key XML with a key derived (HKDF) from the master key.</summary>
internal sealed class MasterKeyXmlEncryptor(string masterKey) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(MasterKeyMaterial.Derive(masterKey), tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the Connectors master key (AES-256-GCM). "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Created by Data Protection through its (IServiceProvider) constructor when it reads a key.</summary>
internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var masterKey = services.GetRequiredService<IOptions<CredentialsOptions>>().Value.MasterKey;
        var nonce = Convert.FromBase64String((string)encryptedElement.Element("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Element("tag")!);
        var ciphertext = Convert.FromBase64String((string)encryptedElement.Element("value")!);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(MasterKeyMaterial.Derive(masterKey), tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

internal static class MasterKeyMaterial
{
    public static byte[] Derive(string masterKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(masterKey), 32,
            salt: [], info: Encoding.UTF8.GetBytes("Connectors data protection key encryption v1"));
}
