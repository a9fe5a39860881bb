using System.Net;
using Connectors.Sources.Http;

namespace Connectors.Tests;

public sealed class SourceHttpTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:10.0.0.1")]
    public void InternalAndMetadataAddressesAreRefused(string address) =>
        Assert.True(AddressGuard.Refuses(IPAddress.Parse(address)));

    [Theory]
    [InlineData("52.1.2.3")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    public void PublicAddressesAreAccepted(string address) =>
        Assert.False(AddressGuard.Refuses(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://slack.com/api/", true)]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("ftp://example.com/", false)]
    [InlineData("/api/relative", false)]
    [InlineData("https://user:secret@example.com/", false)]
    public void ABaseUrlMustBeAnAbsoluteHttpUrlWithoutCredentials(string url, bool accepted) =>
        Assert.Equal(accepted, SourceHttp.CheckBaseUrl(url) is null);
}
