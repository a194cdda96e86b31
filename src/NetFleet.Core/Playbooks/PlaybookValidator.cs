using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;

namespace NetFleet.Core.Playbooks;

/// <summary>
/// Checks a playbook without connecting to anything: YAML, keys and types, module arguments, templates and
/// conditions, referenced template files, and (given an inventory) that every play's hosts pattern names real
/// hosts and groups. Backs <c>netfleet validate</c>.
/// </summary>
public static class PlaybookValidator
{
    public static IReadOnlyList<Diagnostic> Validate(string playbookPath, string? inventoryDirectory = null)
    {
        var bag = new DiagnosticBag();
        var playbook = PlaybookLoader.Load(playbookPath, bag);
        if (inventoryDirectory is null) return bag.ToList();

        var inventory = InventoryLoader.Load(inventoryDirectory);
        bag.AddRange(inventory.Diagnostics);
        if (playbook is null || inventory.Inventory is null) return bag.ToList();
        foreach (var play in playbook.Plays)
        {
            var problems = play.Hosts.Evaluate(inventory.Inventory, out var hosts);
            foreach (var problem in problems)
            {
                var at = play.HostsNode?.LocationOf(0, problem.Offset) ?? play.Location;
                bag.Add(problem.ToDiagnostic(at));
            }
            if (hosts.Count == 0 && !problems.Any(p => p.Severity == Severity.Error))
                bag.Warning(play.HostsNode?.Start ?? play.Location, DiagnosticCodes.NoHostsMatched,
                    $"play '{play.Name}' matches no hosts");
        }
        return bag.ToList();
    }
}
