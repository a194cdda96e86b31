using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>IOS variants and capabilities in lab.yaml, the <c>--ios-variant</c> presets and the inventory they lead to.</summary>
public sealed class LabSpecCapabilitiesTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("netfleet-lab-spec-");

    public void Dispose() => folder.Delete(recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(folder.FullName, "lab.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static IReadOnlyList<ILabPlatform> Ios => [LabPlatforms.Find("ios")!];

    [Fact]
    public void Capabilities_block_sets_each_key_over_the_classic_device()
    {
        var spec = LabSpec.Load(Write("""
            devices:
              - name: r1
                platform: cisco_ios
                capabilities:
                  archive: false
                  configure_replace: false
                  enable: privilege15
                  image: "12.4"
                  show_running_config_ms: 250
                  motd: |
                    ##########
                    Authorised access only >
              - name: r2
                platform: cisco_ios
            """));

        Assert.Equal(new IosCapabilities
        {
            Archive = false, ConfigureReplace = false, Enable = IosEnable.Privilege15, Image = "12.4",
            ShowRunningConfigMs = 250, Motd = "##########\nAuthorised access only >\n",
        }, spec.Devices[0].Capabilities);
        Assert.Same(IosCapabilities.Classic, spec.Devices[1].Capabilities);
    }

    [Fact]
    public void Variant_gives_the_preset_and_capabilities_override_it()
    {
        var spec = LabSpec.Load(Write("""
            devices:
              - name: r1
                platform: cisco_ios
                variant: legacy
                capabilities:
                  enable: secret
            """));

        var device = spec.Devices[0];
        Assert.Equal("legacy", device.Variant);
        Assert.Equal(IosVariants.Find("legacy")! with { Enable = IosEnable.Secret }, device.Capabilities);
    }

    [Fact]
    public void Invalid_capabilities_are_reported_with_file_and_device()
    {
        var path = Write("""
            devices:
              - name: r1
                platform: cisco_ios
                capabilities:
                  enable: maybe
                  image: "16.9"
                  show_running_config_ms: -5
              - name: e1
                platform: arista_eos
                capabilities:
                  archive: false
              - name: r2
                platform: cisco_ios
                variant: ancient
              - name: r3
                platform: cisco_ios
                capabilities:
                  motd: "a ^C b"
            """);

        var error = Assert.Throws<LabSpecException>(() => LabSpec.Load(path)).Message;

        Assert.Contains($"{path}: devices[0] (r1): capabilities.enable 'maybe' is not one of secret, none, privilege15", error);
        Assert.Contains($"{path}: devices[0] (r1): capabilities.image '16.9' is not one of \"15.7\", \"12.4\"", error);
        Assert.Contains($"{path}: devices[0] (r1): capabilities.show_running_config_ms -5 is outside 0 to 600000", error);
        Assert.Contains($"{path}: devices[1] (e1): variant and capabilities apply to cisco_ios devices only, not arista_eos", error);
        Assert.Contains($"{path}: devices[2] (r2): unknown variant 'ancient'; expected one of classic, no-archive, legacy, privileged-slow", error);
        Assert.Contains($"{path}: devices[3] (r3): capabilities.motd contains ^C", error);
    }

    [Fact]
    public void Unknown_capability_key_is_reported_at_its_line_and_column()
    {
        var path = Write("""
            devices:
              - name: r1
                platform: cisco_ios
                capabilities:
                  archives: false
            """);

        var error = Assert.Throws<LabSpecException>(() => LabSpec.Load(path)).Message;

        Assert.StartsWith($"{path}:5:7:", error);
    }

    [Fact]
    public void Mixed_preset_cycles_through_the_variants_and_survives_save_and_load()
    {
        var spec = LabSpec.Generate(10, [.. Ios, LabPlatforms.Find("eos")!], 10022, iosVariant: "mixed");
        var path = Path.Combine(folder.FullName, "saved.yaml");
        spec.Save(path);
        var loaded = LabSpec.Load(path);

        var ios = loaded.Devices.Where(d => d.Platform == "cisco_ios").ToList();
        Assert.Equal(["classic", "no-archive", "legacy", "privileged-slow", "classic"], ios.Select(d => d.Variant));
        Assert.All(loaded.Devices.Where(d => d.Platform != "cisco_ios"), d => Assert.Null(d.Variant));
        Assert.Equal(spec.Devices.Select(d => d.Capabilities), loaded.Devices.Select(d => d.Capabilities));
        Assert.Contains("variant: legacy", File.ReadAllText(path));
    }

    [Fact]
    public void Hand_edited_capabilities_survive_save_and_load()
    {
        var device = new LabDevice("r1", "127.0.1.1", "cisco_ios", DeviceFaults.None)
        {
            Variant = "legacy",
            Capabilities = IosVariants.Find("legacy")! with { Archive = true, Motd = null },
        };
        var path = Path.Combine(folder.FullName, "saved.yaml");
        new LabSpec(10022, TimeSpan.FromMinutes(1), [device]).Save(path);

        Assert.Equal(device.Capabilities, LabSpec.Load(path).Devices[0].Capabilities);
    }

    [Fact]
    public void Lab_without_a_variant_is_generated_as_before()
    {
        var spec = LabSpec.Generate(6, LabPlatforms.All, 10022);
        var path = Path.Combine(folder.FullName, "saved.yaml");
        spec.Save(path);

        Assert.All(spec.Devices, d => Assert.Same(IosCapabilities.Classic, d.Capabilities));
        Assert.All(spec.Devices, d => Assert.Null(d.Variant));
        Assert.DoesNotContain("variant:", File.ReadAllText(path));
        Assert.DoesNotContain("capabilities:", File.ReadAllText(path));
    }

    [Fact]
    public void Unknown_preset_is_refused_with_the_names()
    {
        var error = Assert.Throws<ArgumentException>(() => LabSpec.Generate(2, Ios, 10022, iosVariant: "vintage"));

        Assert.Contains("unknown IOS variant 'vintage'; expected one of classic, no-archive, legacy, privileged-slow, mixed", error.Message);
    }

    [Fact]
    public void Inventory_gives_no_enable_secret_to_devices_that_enable_without_one()
    {
        var spec = LabSpec.Generate(9, [.. Ios, LabPlatforms.Find("eos")!, LabPlatforms.Find("junos")!], 10022, iosVariant: "mixed");
        var paths = LabPaths.At(folder.FullName);
        LabInventoryWriter.Write(spec, paths, Path.Combine(folder.FullName, "inventory"));

        var defaults = File.ReadAllText(Path.Combine(folder.FullName, "inventory", "defaults.yaml"));
        var hosts = File.ReadAllText(Path.Combine(folder.FullName, "inventory", "hosts.yaml"));
        Assert.DoesNotContain("enable_secret", defaults);
        // ios-1 is classic and ios-2 no-archive (both ask for a secret), ios-3 legacy; EOS needs one; Junos has no enable.
        Assert.Equal(["ios-1", "eos-1", "ios-2", "eos-2", "eos-3"], HostsWith(hosts, "enable_secret"));
    }

    [Fact]
    public void Inventory_of_a_lab_of_secret_devices_keeps_the_secret_in_defaults()
    {
        var spec = LabSpec.Generate(3, LabPlatforms.All, 10022);
        var paths = LabPaths.At(folder.FullName);
        LabInventoryWriter.Write(spec, paths, Path.Combine(folder.FullName, "inventory"));

        Assert.Contains("\nenable_secret: \"${file:", File.ReadAllText(Path.Combine(folder.FullName, "inventory", "defaults.yaml")));
        Assert.DoesNotContain("enable_secret", File.ReadAllText(Path.Combine(folder.FullName, "inventory", "hosts.yaml")));
    }

    private static List<string> HostsWith(string hosts, string key)
    {
        var found = new List<string>();
        string? current = null;
        foreach (var line in hosts.Split('\n'))
        {
            if (line.Length > 0 && !line.StartsWith(' ') && !line.StartsWith('#'))
            {
                current = line.TrimEnd(':');
            }
            else if (current is not null && line.TrimStart().StartsWith(key + ":", StringComparison.Ordinal))
            {
                found.Add(current);
            }
        }
        return found;
    }
}
