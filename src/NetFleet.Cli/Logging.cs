using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace NetFleet.Cli;

/// <summary>Serilog for every command: human lines on stderr, structured JSON in a file when asked.</summary>
internal static class Logging
{
    public static ILogger Create(LogEventLevel consoleLevel, string? jsonFile = null) => Create(consoleLevel, jsonFile, _ => true);

    /// <summary>
    /// For commands that show a job's progress, recap and results (run, jobs resume, rollback): those already print
    /// every device's failure, so its warning would say it twice. The console gets warnings that name no device and
    /// errors; with <paramref name="verbose"/> it gets everything from Information up. The file keeps every event.
    /// </summary>
    public static ILogger ForJob(bool verbose, string jsonFile) => verbose
        ? Create(LogEventLevel.Information, jsonFile)
        : Create(LogEventLevel.Warning, jsonFile, e => e.Level >= LogEventLevel.Error || !e.Properties.ContainsKey("Device"));

    private static ILogger Create(LogEventLevel consoleLevel, string? jsonFile, Func<LogEvent, bool> onConsole)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.FromLogContext()
            .WriteTo.Logger(console => console.MinimumLevel.Debug().Filter.ByIncludingOnly(e => onConsole(e))
                .WriteTo.Console(restrictedToMinimumLevel: consoleLevel,
                    outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Verbose));
        if (jsonFile is not null)
        {
            config = config.WriteTo.File(new CompactJsonFormatter(), jsonFile);
        }

        return config.CreateLogger();
    }
}
