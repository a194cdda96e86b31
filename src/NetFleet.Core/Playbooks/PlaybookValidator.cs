using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;

namespace NetFleet.Core.Playbooks;

/// <summary>A playbook and its inventory, loaded and checked together; both are null when either has an error.</summary>
public sealed record PlaybookCheck(Playbook? Playbook, Inventory.Inventory? Inventory, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Playbook is null || Diagnostics.Any(d => d.IsError);

    /// <summary>Every diagnostic at its place, then the count: what a user is shown when a job is refused.</summary>
    public string Report => DiagnosticFormatter.FormatAll(Diagnostics) + "\n" + DiagnosticFormatter.Summary(Diagnostics);
}

/// <summary>
/// Checks a playbook without connecting to anything: YAML, keys and types, module arguments, templates and
/// conditions, referenced template files, and (given an inventory) that every play's hosts pattern names real
/// hosts and groups. Backs <c>netfleet validate</c> and every job's start.
/// </summary>
public static class PlaybookValidator
{
    public static IReadOnlyList<Diagnostic> Validate(string playbookPath, string? inventoryDirectory = null) =>
        Check(playbookPath, null, inventoryDirectory).Diagnostics;

    /// <summary>Loads the playbook (from <paramref name="text"/> when given, as if read from <paramref name="playbookPath"/>)
    /// and the inventory, and checks them against each other.</summary>
    public static PlaybookCheck Check(string playbookPath, string? text, string? inventoryDirectory)
    {
        var bag = new DiagnosticBag();
        var playbook = PlaybookLoader.Load(playbookPath, bag, text);
        if (inventoryDirectory is null) return new PlaybookCheck(bag.HasErrors ? null : playbook, null, bag.ToList());

        var inventory = InventoryLoader.Load(inventoryDirectory);
        bag.AddRange(inventory.Diagnostics);
        if (playbook is null || inventory.Inventory is null) return new PlaybookCheck(null, null, bag.ToList());
        foreach (var play in playbook.Plays)
        {
            var problems = play.Hosts.Evaluate(inventory.Inventory, out var hosts);
            foreach (var problem in problems)
            {
                var at = play.HostsNode?.LocationOf(0, problem.Offset) ?? play.Location;
                bag.Add(problem.ToDiagnostic(at));
            }
            foreach (var probe in play.Gate?.Probes ?? [])
            {
                if (probe.From is { } from && inventory.Inventory.FindHost(from) is null)
                    bag.Error(probe.Location, DiagnosticCodes.UnknownHostOrGroup, $"gate probe from '{from}': no such host in the inventory",
                        DidYouMean.Hint(from, inventory.Inventory.Hosts.Select(h => h.Name).ToList()) ?? "name an inventory host, or leave 'from' out to probe from NetFleet's node");
            }

            CheckTransports(play, hosts, bag);
            if (hosts.Count == 0 && !problems.Any(p => p.Severity == Severity.Error))
                bag.Warning(play.HostsNode?.Start ?? play.Location, DiagnosticCodes.NoHostsMatched,
                    $"play '{play.Name}' matches no hosts");
        }

        return bag.HasErrors ? new PlaybookCheck(null, null, bag.ToList()) : new PlaybookCheck(playbook, inventory.Inventory, bag.ToList());
    }

    /// <summary>A CLI module on a host reached only through NETCONF, or a NETCONF module on a host without NETCONF, fails
    /// here, at the task, rather than when the job reaches the device.</summary>
    private static void CheckTransports(Play play, IReadOnlyList<Host> hosts, DiagnosticBag bag)
    {
        foreach (var task in play.Tasks)
        {
            var netconf = task.Module is Modules.NetconfGetModule or Modules.NetconfConfigModule;
            var cli = task.Module is Modules.CommandModule or Modules.ConfigModule;
            if (cli && hosts.Where(h => h.NetconfOnly).Select(h => h.Name).ToList() is { Count: > 0 } netconfOnly)
            {
                bag.Error(task.Location, DiagnosticCodes.InvalidValue,
                    $"task '{task.Name}' uses module '{task.Module.Name}', which needs a CLI session, but {Names(netconfOnly)} of play '{play.Name}' "
                    + $"{(netconfOnly.Count == 1 ? "has" : "have")} platform '{NetconfSettings.Platform}' (NETCONF only)",
                    "use netconf_get or netconf_config for these hosts, or narrow the play's hosts");
            }

            if (netconf && hosts.Where(h => h.Netconf is null).Select(h => h.Name).ToList() is { Count: > 0 } without)
            {
                bag.Error(task.Location, DiagnosticCodes.InvalidValue,
                    $"task '{task.Name}' uses module '{task.Module.Name}', but {Names(without)} of play '{play.Name}' {(without.Count == 1 ? "has" : "have")} no NETCONF",
                    "add 'netconf: {port: 830}' (or 'netconf: true') to the host, a group of it or the defaults in the inventory");
            }
        }

        static string Names(IReadOnlyList<string> hosts) =>
            (hosts.Count == 1 ? "host " : "hosts ") + string.Join(", ", hosts.Take(5).Select(h => $"'{h}'")) + (hosts.Count > 5 ? $" and {hosts.Count - 5} more" : "");
    }
}
