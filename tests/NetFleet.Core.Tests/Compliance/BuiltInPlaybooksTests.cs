using NetFleet.Core.Compliance;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Tests.Compliance;

public sealed class BuiltInPlaybooksTests
{
    private static readonly string Rules = TestFiles.RepositoryPath("compliance");

    [Fact]
    public void The_compliance_playbook_loads_the_rules_when_it_is_checked()
    {
        var loaded = PlaybookLoader.LoadText(BuiltInPlaybooks.Compliance(Path.GetFullPath(Rules)), "/tmp/compliance.builtin.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var task = Assert.Single(Assert.Single(loaded.Playbook!.Plays).Tasks);
        var args = Assert.IsType<ComplianceArgs>(task.Args);
        Assert.Contains(args.Rules.Rules, r => r.Name == "password-encryption");
    }

    [Fact]
    public void A_bad_rule_file_stops_the_playbook_at_the_rule_files_place()
    {
        var folder = Directory.CreateTempSubdirectory("nf-rules-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "base.yaml"), "- name: x\n  must_contain: a\n  severity: critical\n");
            var loaded = PlaybookLoader.LoadText(BuiltInPlaybooks.Compliance(folder.FullName), "/tmp/compliance.builtin.yaml");
            Assert.False(loaded.Succeeded);
            var error = Assert.Single(loaded.Diagnostics, d => d.IsError);
            Assert.Equal((Path.Combine(folder.FullName, "base.yaml"), 3), (error.File, error.Line));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_remediation_playbook_waits_before_every_batch_and_pushes_each_devices_own_lines()
    {
        var lines = new Dictionary<string, IReadOnlyList<string>>
        {
            ["ios-1"] = ["service password-encryption", "interface GigabitEthernet0/2", " description \"spare\""],
            ["junos-1"] = ["set interfaces ge-0/0/1 description spare"],
        };
        var loaded = PlaybookLoader.LoadText(BuiltInPlaybooks.Remediation(Path.GetFullPath(Rules), lines, approval: true), "/tmp/remediation.builtin.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var (fix, check) = (loaded.Playbook!.Plays[0], loaded.Playbook.Plays[1]);
        Assert.True(fix.Approval);
        Assert.True(fix.ApproveFirstBatch);
        Assert.Equal("ios-1,junos-1", fix.Hosts.Pattern);
        Assert.IsType<ComplianceArgs>(Assert.Single(check.Tasks).Args);

        var host = InventoryLoader.Load(TestFiles.Path("Inventory", "Good")).Inventory!.FindHost("ios-1")!;
        var task = Assert.Single(fix.Tasks);
        var request = ((IDeviceModule)task.Module).Prepare(task.Args, TaskScope.ForTask(task, TaskScope.ForPlay(fix, host, new Dictionary<string, object?>())));
        Assert.Equal(lines["ios-1"], Assert.IsType<ApplyConfig>(request).Lines);

        var ungated = PlaybookLoader.LoadText(BuiltInPlaybooks.Remediation(Path.GetFullPath(Rules), lines, approval: false), "/tmp/remediation.builtin.yaml");
        Assert.False(ungated.Playbook!.Plays[0].Approval);
    }
}
