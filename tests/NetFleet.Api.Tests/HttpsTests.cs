using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Api.Tests;

/// <summary>The API over real HTTPS on loopback with a self-signed certificate made here, as a .pfx with a password
/// and as PEM certificate and key files.</summary>
public sealed class HttpsTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-api-https-").FullName;
    private X509Certificate2 certificate = null!;

    public Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=netfleet-api-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(Path.Combine(folder, "api.pfx"), certificate.Export(X509ContentType.Pfx, "s3cret"));
        File.WriteAllText(Path.Combine(folder, "api.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "api.key"), key.ExportPkcs8PrivateKeyPem());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        certificate.Dispose();
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task The_API_serves_HTTPS_with_the_configured_certificate(string format)
    {
        var store = JobStore.Parse($"sqlite:{Path.Combine(folder, format + ".db")}");
        var token = await ApiTokens.CreateAsync(store, "tls-viewer", ApiRole.Viewer);
        var environment = new Dictionary<string, string>
        {
            [NodeSettings.ApiCertVariable] = Path.Combine(folder, format == "pfx" ? "api.pfx" : "api.crt"),
            [NodeSettings.ApiCertKeyVariable] = format == "pfx" ? "" : Path.Combine(folder, "api.key"),
            [NodeSettings.ApiCertPasswordVariable] = format == "pfx" ? "s3cret" : "",
        };
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator", Hostname = "127.0.0.1", Port = Loopback.FreePort(), ApiHost = "127.0.0.1", ApiPort = 0, Store = store.Display,
        }, name => environment.GetValueOrDefault(name));
        await using var node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None, api: new NetFleetApi());
        var url = node.ApiUrl!;
        Assert.Equal("https", url.Scheme);

        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            // Trust exactly the certificate made above (it is self-signed): the server must present it.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return cert?.Thumbprint == certificate.Thumbprint;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/health")).StatusCode);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/whoami")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal("tls-viewer", (await ApiNode.GetAsync<WhoAmI>(http, "/api/whoami")).Name);

        // Plain HTTP to the same port gets no API.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var plainUrl = new UriBuilder(url) { Scheme = "http" }.Uri;
        try
        {
            using var response = await plain.GetAsync(new Uri(plainUrl, "/api/health"));
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The TLS listener dropped the plain-text connection.
        }
    }

    [Fact]
    public void A_certificate_that_does_not_load_is_a_clear_setting_error()
    {
        var missing = NodeSettings.Resolve(new NodeOptions { Roles = "orchestrator", ApiCert = Path.Combine(folder, "none.pfx") }, _ => null);
        Assert.Contains("no such certificate file", Assert.Throws<ArgumentException>(() => NetFleetApi.LoadCertificate(missing)).Message);
        var wrongPassword = NodeSettings.Resolve(new NodeOptions { Roles = "orchestrator", ApiCert = Path.Combine(folder, "api.pfx") },
            name => name == NodeSettings.ApiCertPasswordVariable ? "wrong" : null);
        Assert.Contains("cannot load the API certificate", Assert.Throws<ArgumentException>(() => NetFleetApi.LoadCertificate(wrongPassword)).Message);
    }
}
