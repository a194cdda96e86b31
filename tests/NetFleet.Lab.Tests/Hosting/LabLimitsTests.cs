using System.Globalization;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Tests.Hosting;

public sealed class LabLimitsTests
{
    private static readonly ResourceLimit Plenty = new(1_048_576, 1_048_576);
    private static readonly LabLimits Roomy = new(Plenty, Plenty, 4_194_304, 1_000_000);
    private static readonly LabDemand FiveThousand = new(5000, 313);

    [Fact]
    public void A_lab_within_every_limit_has_no_shortfall()
    {
        Assert.Empty(Roomy.Shortfalls(FiveThousand));
    }

    [Fact]
    public void Too_few_open_files_names_RLIMIT_NOFILE_its_value_the_need_and_how_to_raise_it()
    {
        var limits = Roomy with { OpenFiles = new ResourceLimit(1024, 4096) };

        var problem = Assert.Single(limits.Shortfalls(FiveThousand));

        Assert.Contains("RLIMIT_NOFILE", problem);
        Assert.Contains("is 1024 (hard 4096)", problem);
        Assert.Contains(FiveThousand.DaemonOpenFiles.ToString(CultureInfo.InvariantCulture), problem);
        Assert.Contains("ulimit -Hn", problem);
    }

    [Fact]
    public void Too_small_a_pid_space_names_pid_max_its_value_the_need_and_the_sysctl()
    {
        var limits = Roomy with { PidMax = 32768 };
        var demand = new LabDemand(6000, 375);

        var problem = Assert.Single(limits.Shortfalls(demand));

        Assert.StartsWith("/proc/sys/kernel/pid_max is 32768", problem);
        Assert.Contains(demand.Tasks.ToString(CultureInfo.InvariantCulture), problem);
        Assert.Contains("sysctl -w kernel.pid_max=", problem);
    }

    [Fact]
    public void Every_limit_too_low_is_named_once()
    {
        var limits = new LabLimits(new ResourceLimit(1024, 1024), new ResourceLimit(4096, 4096), 32768, 16384);

        var problems = limits.Shortfalls(new LabDemand(6000, 375));

        Assert.Collection(problems,
            p => Assert.Contains("RLIMIT_NOFILE", p),
            p => Assert.Contains("RLIMIT_NPROC (processes per user) is 4096", p),
            p => Assert.Contains("pid_max", p),
            p => Assert.Contains("/proc/sys/kernel/threads-max is 16384", p));
    }

    [Fact]
    public void Demand_grows_with_devices_and_counts_an_sshd_per_16_devices()
    {
        var spec = LabSpec.Generate(5000, NetFleet.Lab.Platforms.LabPlatforms.All);

        var demand = LabDemand.Of(spec);

        Assert.Equal(313, demand.SshdInstances);
        Assert.True(demand.Tasks > LabDemand.TasksPerSession * 5000L);
        Assert.True(demand.DaemonOpenFiles > 2L * 5000);
    }
}
