using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;

namespace NetFleet.Core.Tests.Inventory;

public class InventoryLoaderTests
{
    private static NetFleet.Core.Inventory.Inventory Good()
    {
        var result = InventoryLoader.Load(TestFiles.Path("Inventory", "Good"));
        Assert.Empty(result.Diagnostics);
        return result.Inventory!;
    }

    private static IReadOnlyList<Diagnostic> Bad(string name)
    {
        var result = InventoryLoader.Load(TestFiles.Path("Inventory", "Bad", name));
        Assert.Null(result.Inventory);
        return result.Diagnostics;
    }

    [Fact]
    public void Host_value_wins_over_groups_and_defaults()
    {
        var r1 = Good().FindHost("nyc-r1")!;

        Assert.Equal(830, r1.Port);             // own value over defaults
        Assert.Equal("root", r1.Username);      // group junos over defaults
        Assert.Equal("juniper_junos", r1.Platform);
        Assert.Equal("nyc-r1", r1.Hostname);    // unset hostname falls back to the host name
    }

    [Fact]
    public void Groups_resolve_depth_first_in_the_order_the_host_lists_them()
    {
        var inventory = Good();

        // lon-r1: [london, ios] -> london's site wins. lon-r2: [ios, london] -> ios, then ios's parent lab, then london.
        Assert.Equal("lon", inventory.FindHost("lon-r1")!.Data["site"]);
        Assert.Equal("lab", inventory.FindHost("lon-r2")!.Data["site"]);
        Assert.Equal(["ios", "lab", "london"], inventory.FindHost("lon-r2")!.AllGroups);
    }

    [Fact]
    public void Data_merges_key_by_key_down_to_defaults()
    {
        var r1 = Good().FindHost("lon-r1")!;

        Assert.Equal("core", r1.Data["role"]);          // host
        Assert.Equal("access", r1.Data["tier"]);        // ios, before its parent lab ("test")
        Assert.Equal("lab.example", r1.Data["domain"]); // defaults
        Assert.Equal(22, r1.Port);
        Assert.Equal(2222, Good().FindHost("lon-sw1")!.Port);
    }

    [Fact]
    public void Nested_data_keeps_yaml_types()
    {
        var vlans = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Good().FindHost("lon-r2")!.Data["vlans"]);

        Assert.Equal(10L, vlans["mgmt"]);
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_all_reported_with_positions()
    {
        var diagnostics = Bad("KeysAndTypes");

        Assert.Collection(diagnostics,
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownKey, 2, 3, "unknown key 'hostnme'", "did you mean 'hostname'?"),
            d => AssertDiagnostic(d, DiagnosticCodes.WrongType, 3, 9, "expected a port number, found a string"),
            d => AssertDiagnostic(d, DiagnosticCodes.WrongType, 4, 11, "expected a list of group names, found a string"),
            d => AssertDiagnostic(d, DiagnosticCodes.InvalidValue, 6, 9, "port 70000 is out of range"),
            d => AssertDiagnostic(d, DiagnosticCodes.WrongType, 7, 9, "expected a mapping, found a list"));
        Assert.All(diagnostics, d => Assert.EndsWith(Path.Combine("KeysAndTypes", "hosts.yaml"), d.File));
    }

    [Fact]
    public void Unknown_group_reference_suggests_the_closest_group()
    {
        var diagnostics = Bad("UnknownGroup");

        Assert.Collection(diagnostics,
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownGroupReference, 2, 12, "'london' refers to unknown group 'lab'"),
            d => AssertDiagnostic(d, DiagnosticCodes.UnknownGroupReference, 2, 12, "'lon-r1' refers to unknown group 'lodnon'", "did you mean 'london'?"));
    }

    [Fact]
    public void Group_cycle_is_reported_with_its_path()
    {
        var d = Assert.Single(Bad("Cycle"));

        AssertDiagnostic(d, DiagnosticCodes.GroupCycle, 6, 12, "groups form a cycle: a -> b -> c -> a");
    }

    [Fact]
    public void Yaml_syntax_error_becomes_a_diagnostic_with_position()
    {
        var d = Assert.Single(Bad("Syntax"));

        AssertDiagnostic(d, DiagnosticCodes.YamlSyntax, 2, 13, "double-quoted scalar");
    }

    [Fact]
    public void A_syntax_error_drops_the_entries_read_before_it()
    {
        // r1's unknown group would be an error of its own if r1 were kept.
        var d = Assert.Single(Bad("SyntaxAfterEntries"));

        AssertDiagnostic(d, DiagnosticCodes.YamlSyntax, 4, 13, "quoted scalar");
    }

    [Fact]
    public void Duplicate_host_names_are_reported_among_the_first_hosts_and_far_down_the_file()
    {
        Assert.Collection(Bad("DuplicateHosts"),
            d => AssertDiagnostic(d, DiagnosticCodes.DuplicateKey, 5, 1, "duplicate key 'h2' (first defined at line 3)"),
            d => AssertDiagnostic(d, DiagnosticCodes.DuplicateKey, 23, 1, "duplicate key 'h9' (first defined at line 19)"));
    }

    [Fact]
    public void Malformed_secret_references_are_rejected_when_loading()
    {
        Assert.Collection(Bad("SecretReference"),
            d => AssertDiagnostic(d, DiagnosticCodes.BadSecretReference, 2, 13, "unknown secret reference kind 'vault'"),
            d => AssertDiagnostic(d, DiagnosticCodes.BadSecretReference, 3, 18, "malformed secret reference '${env:}'"));
    }

    [Fact]
    public void Missing_hosts_file_is_a_diagnostic()
    {
        var result = InventoryLoader.Load(TestFiles.Path("Inventory", "DoesNotExist"));

        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Single(result.Diagnostics).Code);
    }

    internal static void AssertDiagnostic(Diagnostic d, string code, int line, int column, string message, string? hint = null)
    {
        Assert.Equal((code, line, column), (d.Code, d.Line, d.Column));
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
        if (hint is not null) Assert.Equal(hint, d.Hint);
    }
}
