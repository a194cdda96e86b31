using SharpPcap.LibPcap;

namespace NetFleet.Capture;

public sealed record CaptureInterface(string Name, string? Description, bool Loopback);

public static class CaptureInterfaces
{
    /// <summary>The interfaces libpcap can capture on (listing them needs no privileges).</summary>
    public static IReadOnlyList<CaptureInterface> List() =>
        LibPcapLiveDeviceList.New()
            .Select(d => new CaptureInterface(d.Name, string.IsNullOrEmpty(d.Description) ? null : d.Description, d.Loopback))
            .ToList();
}
