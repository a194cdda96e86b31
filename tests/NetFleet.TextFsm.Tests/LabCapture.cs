using System.Text;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Terminal;

namespace NetFleet.TextFsm.Tests;

/// <summary>Runs one command on a lab personality in-process, as <c>ssh device "command"</c> would.</summary>
internal static class LabCapture
{
    public static async Task<string> ExecAsync(ILabPlatform platform, string deviceName, string command)
    {
        var device = new LabDevice(deviceName, "127.0.1.5", platform.Name, DeviceFaults.None);
        var state = new DeviceStateStore(platform.CreateFactoryState(device));
        var terminal = new CaptureTerminal();
        await platform.RunSessionAsync(new DeviceSession(device, state, terminal, LabClock.RealTime, LabDefaults.Username) { ExecCommand = command }, CancellationToken.None);
        return terminal.Screen;
    }

    private sealed class CaptureTerminal : ITerminal
    {
        private readonly StringBuilder screen = new();

        public bool Interactive => false;

        public string Screen => screen.ToString();

        public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

        public ValueTask<char?> ReadKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult<char?>(null);

        public ValueTask WriteAsync(string text, CancellationToken cancellationToken)
        {
            screen.Append(text);
            return ValueTask.CompletedTask;
        }
    }
}
