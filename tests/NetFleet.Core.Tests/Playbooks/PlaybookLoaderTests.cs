using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using static NetFleet.Core.Tests.Inventory.InventoryLoaderTests;

namespace NetFleet.Core.Tests.Playbooks;

public class PlaybookLoaderTests
{
    private static IReadOnlyList<Diagnostic> Bad(string name, bool withInventory = false)
    {
        var path = TestFiles.Path("Playbooks", "Bad", name + ".yaml");
        var diagnostics = PlaybookValidator.Validate(path, withInventory ? TestFiles.Path("Inventory", "Good") : null);
        Assert.All(diagnostics, d => Assert.Equal(path, d.File));
        return diagnostics;
    }

    [Fact]
    public void Good_playbook_loads_into_typed_plays_and_tasks()
    {
        var result = PlaybookLoader.Load(TestFiles.Path("Playbooks", "Good", "ntp.yaml"));

        Assert.Empty(result.Diagnostics);
        var play = Assert.Single(result.Playbook!.Plays);
        Assert.Equal("NTP", play.Name);
        Assert.Equal([new SerialStep(1, false), new SerialStep(10, true), new SerialStep(50, true)], play.Serial.Steps);
        Assert.Equal(["command", "command", "config", "config", "set_fact", "assert", "pause"], play.Tasks.Select(t => t.Module.Name));
        Assert.Equal("version", play.Tasks[0].Register);
        Assert.Equal(TimeSpan.FromMinutes(2), play.Tasks[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), play.Tasks[6].Timeout);
        Assert.True(play.Tasks[6].IgnoreErrors);
        Assert.Equal("^\\*", Assert.IsType<CommandArgs>(play.Tasks[1].Args).Expect);
        Assert.True(Assert.IsType<ConfigArgs>(play.Tasks[2].Args).Save);
        Assert.NotNull(Assert.IsType<ConfigArgs>(play.Tasks[2].Args).Template);
    }

    [Fact]
    public void Playbook_text_loads_as_its_file_does_with_diagnostics_naming_the_file()
    {
        var path = TestFiles.Path("Playbooks", "Good", "ntp.yaml");
        var fromFile = PlaybookLoader.Load(path);
        var fromText = PlaybookLoader.LoadText(File.ReadAllText(path), path);
        Assert.Empty(fromText.Diagnostics);
        Assert.Equal(fromFile.Playbook!.Plays.Single().Tasks.Select(t => t.Module.Name), fromText.Playbook!.Plays.Single().Tasks.Select(t => t.Module.Name));
        // The config template is found beside the named file.
        Assert.NotNull(Assert.IsType<ConfigArgs>(fromText.Playbook.Plays.Single().Tasks[2].Args).Template);

        var broken = PlaybookLoader.LoadText("- hosts: all\n  tasks:\n    - confg: {lines: [x]}\n", "/jobs/posted.yaml");
        Assert.Null(broken.Playbook);
        var error = Assert.Single(broken.Diagnostics, d => d.IsError);
        Assert.Equal(("/jobs/posted.yaml", 3), (error.File, error.Line));
    }

    [Fact]
    public void Sample_playbook_validates_against_the_test_inventory()
    {
        var diagnostics = PlaybookValidator.Validate(TestFiles.RepositoryPath("playbooks", "sample.yaml"), TestFiles.Path("Inventory", "Good"));

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Every_playbook_in_the_repository_validates_against_the_lab_inventory()
    {
        var playbooks = Directory.GetFiles(TestFiles.RepositoryPath("playbooks"), "*.yaml");
        Assert.Contains(playbooks, p => Path.GetFileName(p) == "capture.yaml");
        foreach (var playbook in playbooks)
        {
            // The FRR samples are written for a topology lab's routers (r1, r2, …), not the repository's inventory: here they
            // must load cleanly; FrrRolloutTests validates and runs them against the inventory `lab up --topology` writes.
            // The NETCONF sample names a netconfd group the lab's inventory lacks; NetconfPlaybookTests runs it on both.
            var diagnostics = Path.GetFileName(playbook).StartsWith("frr-", StringComparison.Ordinal) || Path.GetFileName(playbook) == "netconf.yaml"
                ? PlaybookLoader.Load(playbook).Diagnostics
                : PlaybookValidator.Validate(playbook, TestFiles.RepositoryPath("inventory"));
            Assert.True(diagnostics.Count == 0, $"{playbook}:\n{string.Join("\n", diagnostics)}");
        }
    }

    [Fact]
    public void Unknown_module_suggests_the_closest_module() =>
        AssertDiagnostic(Assert.Single(Bad("unknown_module")), DiagnosticCodes.UnknownModule, 4, 7, "unknown module 'confg'", "did you mean 'config'?");

    [Fact]
    public void Unknown_play_task_and_argument_keys_each_get_a_suggestion()
    {
        Assert.Collection(Bad("unknown_keys"),
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownKey, 1, 3, "unknown key 'host' in play", "did you mean 'hosts'?"),
            d => AssertDiagnostic(d, DiagnosticCodes.MissingKey, 1, 3, "play has no 'hosts'"),
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownKey, 4, 7, "unknown key 'regster' in task", "did you mean 'register'?"),
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownKey, 6, 9, "unknown argument 'lins' for module 'config'", "did you mean 'lines'?"));
    }

    [Fact]
    public void Two_modules_in_one_task_are_rejected_at_the_second() =>
        AssertDiagnostic(Assert.Single(Bad("two_modules")), DiagnosticCodes.ModuleCount, 4, 7, "more than one module ('command' and 'config')");

    [Fact]
    public void A_playbook_of_only_comments_is_an_error_not_a_valid_empty_job()
    {
        Assert.Collection(Bad("comments_only"),
            d => AssertDiagnostic(d, DiagnosticCodes.Empty, 1, 1, "the playbook is empty"));
    }

    [Fact]
    public void Empty_tasks_are_rejected()
    {
        Assert.Collection(Bad("empty_task"),
            d => AssertDiagnostic(d, DiagnosticCodes.ModuleCount, 3, 6, "empty task"),
            d => AssertDiagnostic(d, DiagnosticCodes.ModuleCount, 4, 7, "task has no module"));
    }

    [Fact]
    public void Register_names_must_be_identifiers_and_not_reserved()
    {
        Assert.Collection(Bad("bad_register"),
            d => AssertDiagnostic(d, DiagnosticCodes.InvalidName, 4, 17, "'show-version' is not a valid register name"),
            d => AssertDiagnostic(d, DiagnosticCodes.InvalidName, 6, 17, "'item' is reserved"));
    }

    [Fact]
    public void Bad_duration_is_reported_at_the_value() =>
        AssertDiagnostic(Assert.Single(Bad("bad_duration")), DiagnosticCodes.BadDuration, 4, 16, "'5 minutes' is not a duration");

    [Fact]
    public void Every_bad_serial_value_is_reported()
    {
        Assert.Collection(Bad("bad_serial"),
            d => AssertDiagnostic(d, DiagnosticCodes.BadSerial, 2, 15, "serial value 'ten%'"),
            d => AssertDiagnostic(d, DiagnosticCodes.BadSerial, 2, 23, "serial value '-2'"));
    }

    [Fact]
    public void Wrong_types_say_what_was_expected()
    {
        Assert.Collection(Bad("wrong_type"),
            d => AssertDiagnostic(d, DiagnosticCodes.WrongType, 5, 11, "expected a list of strings, found a mapping"),
            d => AssertDiagnostic(d, DiagnosticCodes.WrongType, 6, 15, "expected a boolean (true or false), found a string"));
    }

    [Fact]
    public void Duplicate_key_points_at_the_second_and_names_the_first() =>
        AssertDiagnostic(Assert.Single(Bad("duplicate_key")), DiagnosticCodes.DuplicateKey, 5, 7, "duplicate key 'register' (first defined at line 4)");

    [Fact]
    public void Template_errors_are_located_inside_the_yaml_scalar()
    {
        Assert.Collection(Bad("template_error"),
            // Column of the "}}" inside the quoted scalar that starts at column 16.
            d => AssertDiagnostic(d, DiagnosticCodes.TemplateSyntax, 3, 42, "pipe expression"),
            d => AssertDiagnostic(d, DiagnosticCodes.TemplateSyntax, 6, 42, "'and' is not a Scriban operator", "use '&&' for and, '||' for or, '!' for not"));
    }

    [Fact]
    public void Yaml_syntax_errors_are_diagnostics_not_exceptions()
    {
        var d = Assert.Single(Bad("yaml_syntax"));

        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.Equal(3, d.Line);
    }

    [Fact]
    public void Missing_template_file_is_reported_at_its_path() =>
        AssertDiagnostic(Assert.Single(Bad("missing_template")), DiagnosticCodes.FileNotFound, 4, 19, "template file 'missing.scriban' not found");

    [Fact]
    public void A_mapping_instead_of_a_list_of_plays_gets_a_hint() =>
        AssertDiagnostic(Assert.Single(Bad("not_a_list")), DiagnosticCodes.WrongType, 1, 1, "expected a list of plays, found a mapping");

    [Fact]
    public void Unknown_hosts_are_checked_against_the_inventory_at_their_column()
    {
        Assert.Empty(Bad("unknown_hosts"));
        AssertDiagnostic(Assert.Single(Bad("unknown_hosts", withInventory: true)), DiagnosticCodes.UnknownHostOrGroup, 1, 16,
            "unknown host or group 'lno-r1'", "did you mean 'lon-r1'?");
    }

    [Fact]
    public void Formatted_output_reads_like_a_compiler()
    {
        var line = DiagnosticFormatter.Format(Assert.Single(Bad("unknown_module")));

        Assert.EndsWith("unknown_module.yaml:4:7: error NF1003: unknown module 'confg' (did you mean 'config'?)", line);
    }
}
