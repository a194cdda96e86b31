using System.Globalization;
using System.Text.Json;
using NetFleet.Cli.Output;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace NetFleet.Cli.Commands;

/// <summary>
/// The scale mode of <c>netfleet bench</c> (<c>--devices 500,1000,2000,5000</c>): each size runs as its own
/// <c>netfleet bench</c> process on a fresh lab, so each peak memory is that size's alone and no size inherits the
/// previous one's warm caches or sessions. Then a table of how the cost grows, the targets it is judged by, and a plot.
/// </summary>
internal sealed class BenchScale
{
    // The targets, as the table judges them: CPU per device within 1.5× of the smallest size's, 1,000 devices in
    // 45 s or less, and peak client memory growing by at most 60 KiB per added device.
    private const double CpuGrowthTarget = 1.5;
    private const double WallAtThousandTarget = 45;
    private const double MemoryPerDeviceTargetKiB = 60;

    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("netfleet-bench-scale-");
        var measured = new List<BenchMeasurement>();
        try
        {
            foreach (var size in options.Sizes.Order())
            {
                Console.WriteLine($"{size} devices: a fresh lab and a netfleet process of its own …");
                var report = Path.Combine(scratch.FullName, $"{size}.json");
                var status = await SelfProcess.RunAsync("bench", "--devices", size.ToString(CultureInfo.InvariantCulture),
                    "--playbook", options.Playbook.FullName, "--forks", options.Forks.ToString(CultureInfo.InvariantCulture),
                    "--platforms", options.Platforms, "--report", report);
                if (status != 0 || !File.Exists(report))
                {
                    Console.Error.WriteLine($"The {size}-device run failed (exit {status}); the sizes measured so far follow.");
                    break;
                }

                measured.AddRange(JsonSerializer.Deserialize<List<BenchMeasurement>>(await File.ReadAllTextAsync(report, cancellationToken),
                    BenchMeasurement.Json)!);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        if (measured.Count == 0) return 1;
        await PresentAsync(measured, options, cancellationToken);
        return measured.Count == options.Sizes.Count && measured.All(m => m.FailedHosts == 0) ? 0 : 1;
    }

    /// <summary>The table, verdicts and plot of measurements an earlier <c>--report</c> wrote (<c>--from-report</c>),
    /// joined from several runs if need be, without measuring again.</summary>
    public async Task<int> FromReportsAsync(IReadOnlyList<FileInfo> reports, BenchOptions options, CancellationToken cancellationToken)
    {
        var measured = new List<BenchMeasurement>();
        foreach (var report in reports)
        {
            measured.AddRange(JsonSerializer.Deserialize<List<BenchMeasurement>>(await File.ReadAllTextAsync(report.FullName, cancellationToken),
                BenchMeasurement.Json) ?? []);
        }

        if (measured.Count == 0)
        {
            Console.Error.WriteLine("The reports hold no measurement.");
            return 1;
        }

        await PresentAsync([.. measured.Where(m => m.Round == 1).OrderBy(m => m.Devices)], options, cancellationToken);
        return 0;
    }

    private static async Task PresentAsync(IReadOnlyList<BenchMeasurement> measured, BenchOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Table(measured).WriteToOutput();
        Console.WriteLine();
        foreach (var line in Verdicts(measured)) Console.WriteLine(line);
        if (options.Report is { } json)
        {
            await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(measured, BenchMeasurement.Json), cancellationToken);
        }

        if (options.Plot is { } plot)
        {
            await File.WriteAllTextAsync(plot.FullName, Plot(measured), cancellationToken);
            Console.WriteLine($"plot: {plot.FullName}");
        }
    }

    internal static TextTable Table(IReadOnlyList<BenchMeasurement> measured)
    {
        var table = new TextTable(new TableColumn("Devices", AlignRight: true), new TableColumn("Lab up", AlignRight: true),
            new TableColumn("Wall", AlignRight: true), new TableColumn("First result", AlignRight: true),
            new TableColumn("Last result", AlignRight: true), new TableColumn("Client CPU/device", AlignRight: true),
            new TableColumn("× smallest", AlignRight: true), new TableColumn("Lab CPU/device", AlignRight: true),
            new TableColumn("Client peak RSS", AlignRight: true), new TableColumn("RSS growth/device", AlignRight: true),
            new TableColumn("Failed", AlignRight: true));
        var smallest = measured[0];
        BenchMeasurement? previous = null;
        foreach (var m in measured)
        {
            table.Add(m.Devices.ToString(CultureInfo.InvariantCulture), Seconds(m.LabUpSeconds), Seconds(m.WallSeconds),
                Seconds(m.FirstResultSeconds), Seconds(m.LastResultSeconds), $"{m.ClientCpuPerDeviceMs:0.0} ms",
                $"{m.ClientCpuPerDeviceMs / smallest.ClientCpuPerDeviceMs:0.00}", $"{m.LabCpuPerDeviceMs:0.0} ms",
                $"{m.ClientPeakRssBytes / (1024 * 1024.0):0} MiB",
                previous is null ? "" : $"{GrowthKiB(previous, m):0.0} KiB", m.FailedHosts.ToString(CultureInfo.InvariantCulture));
            previous = m;
        }

        return table;
    }

    /// <summary>Each target, met or not, with the figure it was judged on.</summary>
    internal static IEnumerable<string> Verdicts(IReadOnlyList<BenchMeasurement> measured)
    {
        static string Met(bool met) => met ? "met" : "MISSED";
        var smallest = measured[0];
        var worstCpu = measured.MaxBy(m => m.ClientCpuPerDeviceMs)!;
        var ratio = worstCpu.ClientCpuPerDeviceMs / smallest.ClientCpuPerDeviceMs;
        yield return $"client CPU per device: at most {ratio:0.00}× the {smallest.Devices}-device figure (at {worstCpu.Devices}; "
            + $"target ≤ {CpuGrowthTarget}×): {Met(ratio <= CpuGrowthTarget)}";
        if (measured.FirstOrDefault(m => m.Devices == 1000) is { } thousand)
        {
            yield return $"1,000 devices: {thousand.WallSeconds:0.0} s wall (target ≤ {WallAtThousandTarget} s): "
                + Met(thousand.WallSeconds <= WallAtThousandTarget);
        }

        if (measured.Count > 1)
        {
            var largest = measured[^1];
            var growth = GrowthKiB(smallest, largest);
            yield return $"client memory: {growth:0.0} KiB more per device from {smallest.Devices} to {largest.Devices} devices "
                + $"(target ≤ {MemoryPerDeviceTargetKiB} KiB): {Met(growth <= MemoryPerDeviceTargetKiB)}";
        }
    }

    /// <summary>Wall time (left axis) and the client's peak memory (right axis) against devices, as an SVG document.</summary>
    internal static string Plot(IReadOnlyList<BenchMeasurement> measured)
    {
        var model = new PlotModel { Title = "netfleet bench: cost against fleet size", Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.LeftTop, LegendBackground = OxyColors.White });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "devices", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Key = "seconds", Title = "seconds", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Key = "mib", Title = "client peak RSS (MiB)", Minimum = 0 });
        LineSeries Line(string title, string axis, OxyColor color, Func<BenchMeasurement, double> value)
        {
            var line = new LineSeries { Title = title, YAxisKey = axis, Color = color, MarkerType = MarkerType.Circle, MarkerFill = color };
            line.Points.AddRange(measured.Select(m => new DataPoint(m.Devices, value(m))));
            return line;
        }

        model.Series.Add(Line("wall time (s)", "seconds", OxyColors.SteelBlue, m => m.WallSeconds));
        model.Series.Add(Line("time to first result (s)", "seconds", OxyColors.LightSkyBlue, m => m.FirstResultSeconds ?? 0));
        model.Series.Add(Line("client peak RSS (MiB)", "mib", OxyColors.IndianRed, m => m.ClientPeakRssBytes / (1024 * 1024.0)));
        const int Width = 800, Height = 480;
        // OxyPlot's core measures text through a render context; its PDF one needs no native library.
        var exporter = new SvgExporter { Width = Width, Height = Height, TextMeasurer = new PdfRenderContext(Width, Height, OxyColors.White) };
        using var stream = new MemoryStream();
        exporter.Export(model, stream);
        // The exporter's writer starts with a byte order mark, which an SVG embedded in a page does not want.
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).TrimStart('\uFEFF');
    }

    private static double GrowthKiB(BenchMeasurement from, BenchMeasurement to) =>
        (to.ClientPeakRssBytes - from.ClientPeakRssBytes) / 1024.0 / (to.Devices - from.Devices);

    private static string Seconds(double? seconds) => seconds is { } s ? $"{s:0.0} s" : "—";
}
