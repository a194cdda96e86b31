using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// The lab inventory: which devices the lab serves, on which loopback addresses, with which
/// faults and (IOS) which variant and capabilities. <c>lab up --devices N [--ios-variant V]</c>
/// generates one; a hand-written <c>lab.yaml</c> can add faults and capabilities per device.
/// </summary>
public sealed record LabSpec(int Port, TimeSpan DeviceMinute, IReadOnlyList<LabDevice> Devices)
{
    public static readonly string[] Sites = ["lon", "nyc", "sfo"];

    /// <summary>The UDP port of every device's SNMP agent (on the device's address); by default the SSH port + 139.</summary>
    public int SnmpPort { get; init; } = Port + Snmp.LabSnmpDefaults.PortOffset;

    /// <summary>Debian netconfd servers served beside the devices (<c>lab up --netconfd N</c>, <c>netconf_servers:</c>).</summary>
    public int NetconfServers { get; init; }

    /// <summary>Device i (from 0) gets 127.0.{1 + i/254}.{1 + i%254}: every 127/8 address reaches
    /// <c>lo</c> on Linux, so each device has an address of its own without any setup.</summary>
    public static string AddressOf(int index) => $"127.0.{1 + (index / 254)}.{1 + (index % 254)}";

    /// <param name="iosVariant">An <see cref="IosVariants"/> name for the IOS devices (<c>mixed</c>
    /// cycles through the variants); null keeps them as the lab always had them, unmarked.</param>
    public static LabSpec Generate(int count, IReadOnlyList<ILabPlatform> platforms, int port = LabDefaults.Port,
        TimeSpan? deviceMinute = null, string? iosVariant = null)
    {
        if (iosVariant is not null && !IosVariants.Names.Contains(iosVariant))
        {
            throw new ArgumentException($"unknown IOS variant '{iosVariant}'; expected one of {string.Join(", ", IosVariants.Names)}",
                nameof(iosVariant));
        }

        if (count < 1 || count > 254 * 254)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a lab holds 1 to 64516 devices");
        }

        if (platforms.Count == 0)
        {
            throw new ArgumentException("at least one platform is needed", nameof(platforms));
        }

        var perPlatform = new int[platforms.Count];
        var devices = new List<LabDevice>(count);
        for (var i = 0; i < count; i++)
        {
            var p = i % platforms.Count;
            var number = ++perPlatform[p];
            var device = new LabDevice($"{platforms[p].ShortName}-{number}", AddressOf(i), platforms[p].Name,
                DeviceFaults.None) { Site = Sites[(number - 1) % Sites.Length] };
            if (iosVariant is not null && device.Platform == "cisco_ios")
            {
                var variant = IosVariants.ForDevice(iosVariant, number - 1);
                device = device with { Variant = variant, Capabilities = IosVariants.Find(variant)! };
            }

            devices.Add(device);
        }

        return new LabSpec(port, deviceMinute ?? TimeSpan.FromMinutes(1), devices);
    }

    public LabDevice? FindByAddress(string address) =>
        Devices.FirstOrDefault(d => d.Address == address);

    public void Save(string path)
    {
        var file = new SpecFile
        {
            Port = Port,
            SnmpPort = SnmpPort == Port + Snmp.LabSnmpDefaults.PortOffset ? null : SnmpPort,
            DeviceMinuteSeconds = DeviceMinute.TotalSeconds,
            NetconfServers = NetconfServers == 0 ? null : NetconfServers,
            Devices = Devices.Select(d => new DeviceEntry
            {
                Name = d.Name,
                Address = d.Address,
                Platform = d.Platform,
                Site = d.Site,
                Faults = d.Faults.IsNone ? null : new FaultsEntry
                {
                    SlowReplyMs = d.Faults.SlowReplyMs == 0 ? null : d.Faults.SlowReplyMs,
                    DropAfterCommands = d.Faults.DropAfterCommands,
                    HangAfterCommands = d.Faults.HangAfterCommands,
                    RejectConfig = d.Faults.RejectConfig.Count == 0 ? null : [.. d.Faults.RejectConfig],
                    RefuseAuth = d.Faults.RefuseAuth ? true : null,
                },
                Variant = d.Variant,
                Capabilities = CapabilitiesEntry.Difference(d.Capabilities, BaseOf(d.Variant)),
            }).ToList(),
        };
        var yaml = new SerializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .Build()
            .Serialize(file);
        File.WriteAllText(path, "# The lab inventory: devices served by `netfleet lab up`, with optional faults\n"
            + "# and, for cisco_ios devices, a variant and capabilities (archive, configure_replace, enable, image, motd,\n"
            + "# show_running_config_ms) that override the variant's.\n" + yaml);
    }

    /// <summary>Reads a lab inventory; problems are reported with file, line and column.</summary>
    /// <param name="routersOnly">The lab grows a topology's routers, so it may serve no simulated device.</param>
    public static LabSpec Load(string path, bool routersOnly = false)
    {
        SpecFile file;
        try
        {
            file = new DeserializerBuilder()
                .WithNamingConvention(UnderscoredNamingConvention.Instance)
                .Build()
                .Deserialize<SpecFile?>(File.ReadAllText(path)) ?? new SpecFile();
        }
        catch (YamlException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            throw new LabSpecException($"{path}:{e.Start.Line}:{e.Start.Column}: {reason}");
        }

        var errors = new List<string>();
        var devices = new List<LabDevice>();
        var seenNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seenAddresses = new HashSet<string>();
        for (var i = 0; i < file.Devices.Count; i++)
        {
            var entry = file.Devices[i];
            var where = $"{path}: devices[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                errors.Add($"{where}: a device needs a name");
                continue;
            }

            var platform = LabPlatforms.Find(entry.Platform ?? "");
            if (platform is null)
            {
                errors.Add($"{where} ({entry.Name}): unknown platform '{entry.Platform}'; expected one of "
                    + string.Join(", ", LabPlatforms.All.Select(p => p.Name)));
                continue;
            }

            var address = entry.Address ?? AddressOf(i);
            if (!System.Net.IPAddress.TryParse(address, out var ip) || ip.GetAddressBytes()[0] != 127)
            {
                errors.Add($"{where} ({entry.Name}): address '{address}' is not a loopback address (127.0.0.0/8)");
                continue;
            }

            if (!seenNames.Add(entry.Name))
            {
                errors.Add($"{where}: duplicate device name '{entry.Name}'");
            }

            if (!seenAddresses.Add(address))
            {
                errors.Add($"{where} ({entry.Name}): address {address} is already used by another device");
            }

            var faults = entry.Faults ?? new FaultsEntry();
            foreach (var pattern in faults.RejectConfig ?? [])
            {
                try
                {
                    _ = new System.Text.RegularExpressions.Regex(pattern);
                }
                catch (ArgumentException e)
                {
                    errors.Add($"{where} ({entry.Name}): reject_config pattern '{pattern}' is not a valid regular expression: {e.Message}");
                }
            }

            var capabilities = IosCapabilities.Classic;
            if (entry.Variant is not null || entry.Capabilities is not null)
            {
                if (platform.Name != "cisco_ios")
                {
                    errors.Add($"{where} ({entry.Name}): variant and capabilities apply to cisco_ios devices only, not {platform.Name}");
                }
                else if (entry.Variant is not null && IosVariants.Find(entry.Variant) is null)
                {
                    errors.Add($"{where} ({entry.Name}): unknown variant '{entry.Variant}'; expected one of "
                        + string.Join(", ", IosVariants.Names.Where(n => n != IosVariants.Mixed)));
                }
                else
                {
                    capabilities = (entry.Capabilities ?? new CapabilitiesEntry()).ApplyTo(BaseOf(entry.Variant), $"{where} ({entry.Name})", errors);
                }
            }

            devices.Add(new LabDevice(entry.Name, address, platform.Name, new DeviceFaults
            {
                SlowReplyMs = faults.SlowReplyMs ?? 0,
                DropAfterCommands = faults.DropAfterCommands,
                HangAfterCommands = faults.HangAfterCommands,
                RejectConfig = faults.RejectConfig ?? [],
                RefuseAuth = faults.RefuseAuth ?? false,
            }) { Site = entry.Site ?? Sites[0], Variant = entry.Variant, Capabilities = capabilities });
        }

        if (devices.Count == 0 && errors.Count == 0 && !routersOnly)
        {
            errors.Add($"{path}: the lab has no devices");
        }

        if (errors.Count > 0)
        {
            throw new LabSpecException(string.Join(Environment.NewLine, errors));
        }

        var port = file.Port ?? LabDefaults.Port;
        return new LabSpec(port, TimeSpan.FromSeconds(file.DeviceMinuteSeconds ?? 60), devices)
        {
            SnmpPort = file.SnmpPort ?? port + Snmp.LabSnmpDefaults.PortOffset,
            NetconfServers = file.NetconfServers ?? 0,
        };
    }

    private sealed class SpecFile
    {
        public int? Port { get; set; }
        public int? SnmpPort { get; set; }
        public double? DeviceMinuteSeconds { get; set; }
        public int? NetconfServers { get; set; }
        public List<DeviceEntry> Devices { get; set; } = [];
    }

    private sealed class DeviceEntry
    {
        public string? Name { get; set; }
        public string? Address { get; set; }
        public string? Platform { get; set; }
        public string? Site { get; set; }
        public FaultsEntry? Faults { get; set; }
        public string? Variant { get; set; }
        public CapabilitiesEntry? Capabilities { get; set; }
    }

    private static IosCapabilities BaseOf(string? variant) =>
        variant is null ? IosCapabilities.Classic : IosVariants.Find(variant) ?? IosCapabilities.Classic;

    /// <summary>A <c>capabilities:</c> block: only the keys that differ from the device's variant (or the classic device).</summary>
    private sealed class CapabilitiesEntry
    {
        private const int MaxDelayMs = 600_000;
        private static readonly string[] EnableValues = ["secret", "none", "privilege15"];

        public bool? Archive { get; set; }
        public bool? ConfigureReplace { get; set; }
        public string? Enable { get; set; }
        public string? Image { get; set; }

        [YamlMember(ScalarStyle = ScalarStyle.Literal)]
        public string? Motd { get; set; }

        public int? ShowRunningConfigMs { get; set; }

        public static CapabilitiesEntry? Difference(IosCapabilities device, IosCapabilities baseline)
        {
            var entry = new CapabilitiesEntry
            {
                Archive = device.Archive == baseline.Archive ? null : device.Archive,
                ConfigureReplace = device.ConfigureReplace == baseline.ConfigureReplace ? null : device.ConfigureReplace,
                Enable = device.Enable == baseline.Enable ? null : EnableValues[(int)device.Enable],
                Image = device.Image == baseline.Image ? null : device.Image,
                Motd = device.Motd == baseline.Motd ? null : device.Motd ?? "",
                ShowRunningConfigMs = device.ShowRunningConfigMs == baseline.ShowRunningConfigMs ? null : device.ShowRunningConfigMs,
            };
            return entry is { Archive: null, ConfigureReplace: null, Enable: null, Image: null, Motd: null, ShowRunningConfigMs: null }
                ? null : entry;
        }

        public IosCapabilities ApplyTo(IosCapabilities baseline, string where, List<string> errors)
        {
            var enable = baseline.Enable;
            if (Enable is not null)
            {
                var index = Array.IndexOf(EnableValues, Enable);
                if (index < 0)
                {
                    errors.Add($"{where}: capabilities.enable '{Enable}' is not one of {string.Join(", ", EnableValues)}");
                }
                else
                {
                    enable = (IosEnable)index;
                }
            }

            if (Image is not null && !IosCapabilities.Images.Contains(Image))
            {
                errors.Add($"{where}: capabilities.image '{Image}' is not one of {string.Join(", ", IosCapabilities.Images.Select(i => $"\"{i}\""))}");
            }

            if (ShowRunningConfigMs is < 0 or > MaxDelayMs)
            {
                errors.Add($"{where}: capabilities.show_running_config_ms {ShowRunningConfigMs} is outside 0 to {MaxDelayMs}");
            }

            if (Motd is not null && Motd.Contains("^C", StringComparison.Ordinal))
            {
                errors.Add($"{where}: capabilities.motd contains ^C, the banner's delimiter; IOS would end the banner there");
            }

            return baseline with
            {
                Archive = Archive ?? baseline.Archive,
                ConfigureReplace = ConfigureReplace ?? baseline.ConfigureReplace,
                Enable = enable,
                Image = Image ?? baseline.Image,
                Motd = Motd is null ? baseline.Motd : Motd.Length == 0 ? null : Motd.ReplaceLineEndings("\n"),
                ShowRunningConfigMs = ShowRunningConfigMs ?? baseline.ShowRunningConfigMs,
            };
        }
    }

    private sealed class FaultsEntry
    {
        public int? SlowReplyMs { get; set; }
        public int? DropAfterCommands { get; set; }
        public int? HangAfterCommands { get; set; }
        public List<string>? RejectConfig { get; set; }
        public bool? RefuseAuth { get; set; }
    }
}

public sealed class LabSpecException(string message) : Exception(message);
