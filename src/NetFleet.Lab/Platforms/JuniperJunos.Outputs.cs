using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>What Junos prints: the factory configuration and the show commands' text.</summary>
public sealed partial class JuniperJunos
{
    public override DeviceState CreateFactoryState(LabDevice device)
    {
        var (high, low) = DeviceIdentity.Octets(device);
        var text = $$"""
            version {{Release}};
            system {
                host-name {{device.Name}};
                root-authentication {
                    encrypted-password "$6$nflab$X2b9Vq0cR7kLm1Np4Qs8Tu3Wx6Yz.Ab5Cd7Ef9Gh1Ij3Kl5Mn7Op9Qr1St3Uv5Wx7Yz9Ab1Cd3Ef5Gh7";
                }
                login {
                    user {{LabDefaults.Username}} {
                        uid 2000;
                        class super-user;
                        authentication {
                            encrypted-password "$6$nflab$Y3c0Wr1dS8lMn2Oq5Rt9Uv4Xy7Za.Bc6De8Fg0Hi2Jk4Lm6No8Pq0Rs2Tu4Vw6Xy8Za0Bc2De4Fg6Hi8";
                        }
                    }
                }
                services {
                    ssh;
                    netconf {
                        ssh;
                    }
                }
                ntp {
                    server 10.255.0.1;
                }
            }
            interfaces {
                ge-0/0/0 {
                    description uplink;
                    unit 0 {
                        family inet {
                            address 10.{{high}}.{{low}}.0/31;
                        }
                    }
                }
                ge-0/0/1 {
                    unit 0 {
                        family inet {
                            address 10.{{high}}.{{low}}.2/31;
                        }
                    }
                }
                ge-0/0/2 {
                    disable;
                }
                ge-0/0/3 {
                    disable;
                }
                fxp0 {
                    unit 0 {
                        family inet {
                            address {{DeviceIdentity.ManagementAddress(device)}}/8;
                        }
                    }
                }
                lo0 {
                    unit 0 {
                        family inet {
                            address 10.255.{{high}}.{{low}}/32;
                        }
                    }
                }
            }
            routing-options {
                router-id 10.255.{{high}}.{{low}};
            }
            protocols {
                ospf {
                    area 0.0.0.0 {
                        interface ge-0/0/0.0;
                        interface ge-0/0/1.0;
                        interface lo0.0 {
                            passive;
                        }
                    }
                }
                lldp {
                    interface all;
                }
            }

            """.ReplaceLineEndings("\n");
        var config = JunosConfig.Parse(text).Render();
        var now = TimeProvider.System.GetUtcNow();
        return new DeviceState
        {
            RunningConfig = config,
            StartupConfig = config,
            BootedAt = now,
            LastChangeAt = now,
            LastChangeBy = "root",
            Commits = [new CommitRecord { At = now, User = "root", Client = "other", Config = config }],
        };
    }

    private static string ShowCli(int screenLength) =>
        $"CLI complete-on-space set to on\nCLI idle-timeout disabled\nCLI restart-on-upgrade set to on\nCLI screen-length set to {screenLength}\nCLI screen-width set to 80\nCLI terminal is 'vt100'\n";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string HostnameOf(string config)
    {
        var at = config.IndexOf("host-name ", StringComparison.Ordinal);
        if (at < 0)
        {
            return "amnesiac";
        }
        var end = config.IndexOf(';', at);
        return config[(at + "host-name ".Length)..end].Trim('"');
    }

    private static string ShowConfiguration(DeviceState state, List<string> within, List<string> pipes)
    {
        var config = JunosConfig.Parse(state.RunningConfig);
        var at = config.Statements([], within);
        if (pipes.Contains("display set"))
        {
            return config.DisplaySet(at);
        }
        var header = within.Count == 0 && state.Commits.Count > 0
            ? $"## Last commit: {Stamp(state.Commits[0].At)} by {state.Commits[0].User}\n"
            : "";
        return header + config.Render(at);
    }

    private static string ShowCommits(DeviceState state)
    {
        var text = new StringBuilder();
        for (var i = 0; i < state.Commits.Count; i++)
        {
            var c = state.Commits[i];
            text.Append(CultureInfo.InvariantCulture, $"{i,-4}{Stamp(c.At)} by {c.User} via {c.Client}");
            text.Append(c.Comment.StartsWith("commit confirmed", StringComparison.Ordinal) ? " " + c.Comment + "\n" : "\n");
            if (c.Comment.Length > 0 && !c.Comment.StartsWith("commit confirmed", StringComparison.Ordinal))
            {
                text.Append("    ").Append(c.Comment).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Terse(string running, string? only)
    {
        var interfaces = JunosConfig.Parse(running).Find(["interfaces"])?.Children ?? [];
        var text = new StringBuilder("Interface               Admin Link Proto    Local                 Remote\n");
        foreach (var physical in interfaces)
        {
            var name = physical.Statement;
            if (only is not null && name != only && !only.StartsWith(name + ".", StringComparison.Ordinal))
            {
                continue;
            }
            var state = physical.Child("disable") is null ? "up    up   " : "down  down ";
            text.Append(CultureInfo.InvariantCulture, $"{name,-24}{state.TrimEnd()}\n");
            foreach (var unit in physical.Children.Where(c => c.Statement.StartsWith("unit ", StringComparison.Ordinal)))
            {
                var logical = $"{name}.{unit.Statement[5..]}";
                if (only is not null && only != name && only != logical)
                {
                    continue;
                }
                var families = unit.Children.Where(c => c.Statement.StartsWith("family ", StringComparison.Ordinal)).ToList();
                var first = true;
                foreach (var family in families)
                {
                    var addresses = family.Children.Where(c => c.Statement.StartsWith("address ", StringComparison.Ordinal))
                        .Select(c => c.Statement[8..]).DefaultIfEmpty("").ToList();
                    foreach (var address in addresses)
                    {
                        var lead = first ? $"{logical,-24}{state}" : new string(' ', 35);
                        var proto = family.Statement[7..];
                        var local = name.StartsWith("lo", StringComparison.Ordinal) && address.EndsWith("/32", StringComparison.Ordinal)
                            ? $"{address[..^3],-22}--> 0/0" : address;
                        text.Append(CultureInfo.InvariantCulture, $"{lead}{proto,-9}{local}\n");
                        first = false;
                    }
                }
                if (first)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{logical,-24}{state.TrimEnd()}\n");
                }
            }
        }
        return text.ToString();
    }
}