using System.Net.Sockets;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Templating;
using NetFleet.Snmp;

namespace NetFleet.Actors.Jobs;

/// <summary>The post-checks that need no device session: a TCP connect and an SNMP get, run from the orchestrator's
/// process. Each returns why it failed, or null when it passed.</summary>
internal static class PostChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<string?> ReachabilityAsync(PostCheck check, Host host, VariableScope scope, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        if (check.Tcp is { } tcp)
        {
            var target = tcp.Render(scope).Trim();
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(target[(colon + 1)..], out var port)) return $"'{target}' is not host:port";
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(target[..colon], port, cts.Token);
                return null;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return $"tcp {target}: {(e is OperationCanceledException ? "no answer within " + Timeout.TotalSeconds + " s" : e.Message)}";
            }
        }

        if (check.SnmpOid is { } oidText)
        {
            var text = oidText.Render(scope).Trim();
            if (!Oid.TryParse(text, out var oid)) return $"'{text}' is not an OID";
            var target = SnmpTarget.V2c(host.Hostname, check.SnmpPort ?? 161, check.Community?.Render(scope) ?? "public");
            await using var manager = new SnmpManager();
            try
            {
                var variables = await manager.GetAsync(target, [oid], cts.Token);
                return variables.FirstOrDefault() is { Value.IsException: false } ? null : $"snmp get {text}: no such object";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return $"snmp get {text} on {host.Hostname}:{target.Endpoint.Port}: {e.Message}";
            }
        }

        return "the post-check has nothing to check";
    }
}
