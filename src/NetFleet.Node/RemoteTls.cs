using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetFleet.Node;

/// <summary>
/// Cluster remoting over TLS (set up by <see cref="Hosting.NetFleetHosting"/>): Akka.Remote's DotNetty transport with <c>enable-ssl</c>, this node's certificate (a
/// .pfx/.p12 with its private key) and mutual authentication, so that every node shows a certificate and checks its
/// peer's. Peers are checked against the system's trusted roots (on Debian, /etc/ssl/certs; a private CA is added with
/// update-ca-certificates, or for one process with SSL_CERT_FILE) unless <see cref="SuppressValidation"/> is set, which
/// keeps the traffic encrypted but lets any TLS peer in. All nodes of a cluster must agree: a node without TLS cannot
/// join a TLS cluster and the reverse.
/// </summary>
/// <param name="CertificatePath">The node's certificate with its private key (PKCS#12).</param>
/// <param name="Password">The certificate file's password; from the environment only, so it is not in process lists.</param>
public sealed record RemoteTls(string CertificatePath, string? Password, bool SuppressValidation)
{
    public const string CertVariable = "NETFLEET_REMOTE_TLS_CERT";
    public const string PasswordVariable = "NETFLEET_REMOTE_TLS_PASSWORD";
    public const string SuppressValidationVariable = "NETFLEET_REMOTE_TLS_SUPPRESS_VALIDATION";

    public static IReadOnlyList<string> AllVariables => [CertVariable, PasswordVariable, SuppressValidationVariable];

    /// <summary>Akka.Remote names the addresses of a TLS transport <c>akka.ssl.tcp://</c>, not <c>akka.tcp://</c>.</summary>
    public const string Protocol = "akka.ssl.tcp";

    /// <summary>
    /// <paramref name="settings"/> with TLS on. Seed addresses written <c>akka.tcp://</c> are taken as
    /// <c>akka.ssl.tcp://</c>: a TLS node can only join TLS nodes, and the same seed list then serves either way.
    /// </summary>
    public static NodeSettings Apply(NodeSettings settings, RemoteTls? tls) => tls is null ? settings : settings with
    {
        RemoteTls = tls,
        SeedNodes = [.. settings.SeedNodes.Select(s => s.StartsWith("akka.tcp://", StringComparison.Ordinal) ? Protocol + s["akka.tcp".Length..] : s)],
    };

    /// <summary>The option over <see cref="CertVariable"/>; null (plain TCP) when neither is set. The certificate is
    /// opened here so that a missing file, a wrong password or a missing private key is a clear error at start-up, not
    /// a failed handshake later.</summary>
    public static RemoteTls? Resolve(string? certificate, bool? suppressValidation, Func<string, string?> environment)
    {
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        var path = certificate ?? Env(CertVariable);
        if (path is null) return null;
        var suppress = suppressValidation ?? (Env(SuppressValidationVariable) is { } text
            ? bool.TryParse(text, out var value) ? value : throw new ArgumentException($"{SuppressValidationVariable}: '{text}' is not true or false")
            : false);
        var full = Path.GetFullPath(path);
        var password = Env(PasswordVariable);
        if (!File.Exists(full)) throw new ArgumentException($"remote TLS certificate {full}: no such file");
        try
        {
            using var loaded = X509CertificateLoader.LoadPkcs12FromFile(full, password);
            if (!loaded.HasPrivateKey) throw new ArgumentException($"remote TLS certificate {full}: has no private key (a .pfx/.p12 with the key is needed)");
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"remote TLS certificate {full}: cannot be opened ({e.Message}); is {PasswordVariable} right?");
        }

        return new RemoteTls(full, password, suppress);
    }

    public override string ToString() => $"TLS with {CertificatePath}{(SuppressValidation ? " (peers not validated)" : "")}";
}
