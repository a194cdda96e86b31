using System.Xml.Linq;
using NetFleet.Cli.Commands;

namespace NetFleet.Cli.Tests.Commands;

public sealed class BenchScaleTests
{
    private static BenchMeasurement Measured(int devices, double wall, double clientCpu, long peakRssMiB) =>
        new(devices, 1, LabUpSeconds: 2, wall, clientCpu, LabCpuSeconds: devices * 0.03, peakRssMiB * 1024 * 1024,
            FirstResultSeconds: 1.5, LastResultSeconds: wall - 0.1, FailedHosts: 0, Outcome: "succeeded");

    [Theory]
    [InlineData("500,1000, 2000", new[] { 500, 1000, 2000 })]
    [InlineData("200", new[] { 200 })]
    public void Device_sizes_are_read_from_a_comma_separated_list(string text, int[] expected)
    {
        var (sizes, error) = BenchHandler.ParseSizes(text);

        Assert.Null(error);
        Assert.Equal(expected, sizes);
    }

    [Theory]
    [InlineData("500,,1000", "''")]
    [InlineData("500,x", "'x'")]
    [InlineData("0", "'0'")]
    public void A_size_that_is_not_a_positive_number_is_named_in_the_error(string text, string named)
    {
        var (_, error) = BenchHandler.ParseSizes(text);

        Assert.Contains(named, error);
        Assert.Contains("500,1000,2000", error);
    }

    [Fact]
    public void The_verdicts_judge_cpu_growth_the_thousand_device_wall_time_and_memory_per_device()
    {
        // CPU per device 20, 22 and 40 ms: the last is 2× the smallest. Memory grows 200 MiB over 1,500 devices (136.5 KiB each).
        var measured = new[] { Measured(500, 20, 10, 300), Measured(1000, 44, 22, 350), Measured(2000, 90, 80, 500) };

        var verdicts = BenchScale.Verdicts(measured).ToList();

        Assert.Equal(3, verdicts.Count);
        Assert.Contains("2.00× the 500-device figure (at 2000", verdicts[0]);
        Assert.EndsWith("MISSED", verdicts[0]);
        Assert.Equal("1,000 devices: 44.0 s wall (target ≤ 45 s): met", verdicts[1]);
        Assert.Contains("136.5 KiB more per device from 500 to 2000", verdicts[2]);
        Assert.EndsWith("MISSED", verdicts[2]);
    }

    [Fact]
    public void The_table_shows_each_size_with_its_growth_over_the_previous_one()
    {
        var lines = BenchScale.Table([Measured(500, 20, 10, 300), Measured(1000, 40, 20, 325)]).Lines(width: null);

        Assert.Equal(3, lines.Count);
        Assert.Contains("20.0 ms", lines[1]);
        Assert.Contains("51.2 KiB", lines[2]);
    }

    [Fact]
    public void The_plot_is_an_svg_document_with_a_line_for_wall_time_first_result_and_memory()
    {
        var svg = BenchScale.Plot([Measured(500, 20, 10, 300), Measured(1000, 40, 20, 325), Measured(2000, 85, 40, 380)]);

        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        var texts = document.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("wall time (s)", texts);
        Assert.Contains("time to first result (s)", texts);
        Assert.Contains("client peak RSS (MiB)", texts);
        // One polyline of three points per series (besides the axes' tick marks, which have two).
        Assert.Equal(3, document.Descendants(ns + "polyline").Count(p => p.Attribute("points")!.Value.Split(' ').Length == 3));
    }
}
