using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace NetFleet.Cli;

/// <summary>Serilog for every command: human lines on stderr, structured JSON in a file when asked.</summary>
internal static class Logging
{
    public static ILogger Create(LogEventLevel consoleLevel, string? jsonFile = null)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.FromLogContext()
            .WriteTo.Console(restrictedToMinimumLevel: consoleLevel,
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);
        if (jsonFile is not null)
        {
            config = config.WriteTo.File(new CompactJsonFormatter(), jsonFile);
        }

        return config.CreateLogger();
    }
}
