using System.Text.Json;

namespace NetFleet.Core.Playbooks;

/// <summary>The compliance playbooks (<c>netfleet compliance run</c>, and schedules of it), written as the YAML a user
/// could have written, so they are checked, journaled and resumed like any playbook.</summary>
public static partial class BuiltInPlaybooks
{
    /// <summary>The task name and the variable the compliance results are registered as.</summary>
    public const string ComplianceTask = "compliance";

    /// <summary>Checks every selected device against the rules at <paramref name="rulesPath"/> (a file or a folder).</summary>
    public static string Compliance(string rulesPath) => $"""
        - name: Compliance
          hosts: all
          tasks:
        {CheckTask(rulesPath)}
        """;

    /// <summary>
    /// The rollout of remediation lines: per device the lines its failed rules call for, pushed as one configuration change
    /// (the play's transaction, post-change checks of the platform and rollback on failure), one canary device first and
    /// then the rest; with <paramref name="approval"/> every batch, the canary's included, waits for
    /// <c>netfleet jobs approve</c>. A second play checks the devices again, so the job shows whether the fix took.
    /// </summary>
    public static string Remediation(string rulesPath, IReadOnlyDictionary<string, IReadOnlyList<string>> linesByDevice, bool approval)
    {
        var devices = linesByDevice.Where(d => d.Value.Count > 0).Select(d => d.Key).Order(StringComparer.Ordinal).ToList();
        if (devices.Count == 0) throw new ArgumentException("no device has remediation lines", nameof(linesByDevice));
        var lines = JsonSerializer.Serialize(devices.ToDictionary(d => d, d => linesByDevice[d]));
        var hosts = string.Join(',', devices);
        return $"""
            - name: Compliance remediation
              hosts: {Quote(hosts)}
              serial: [1, "100%"]
              rollback: device
            {(approval ? $"  approval: {Play.EveryBatchApproval}\n" : "")}  vars:
                remediation: {lines}
              tasks:
                - name: remediate
                  when: remediation[host.name] != null
                  config:
                    lines:
                      - "{"{{"} remediation[host.name] {"}}"}"
            - name: Compliance after remediation
              hosts: {Quote(hosts)}
              tasks:
            {CheckTask(rulesPath)}
            """;
    }

    private static string CheckTask(string rulesPath) => $"""
            - name: {ComplianceTask}
              register: {ComplianceTask}
              compliance:
                rules: {Quote(rulesPath)}
        """;

    /// <summary>A YAML double-quoted scalar (JSON's string syntax is a subset of it).</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
