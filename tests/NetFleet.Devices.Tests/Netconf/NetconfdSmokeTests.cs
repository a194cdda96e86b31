using NetFleet.Devices.Netconf;
using NetFleet.Netconf;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Devices.Tests.Netconf;

public sealed class NetconfdSmokeTests(NetconfdFixture netconfd, ITestOutputHelper output) : IClassFixture<NetconfdFixture>
{
    [Fact]
    public async Task Smoke()
    {
        await using var session = await netconfd.OpenAsync();
        output.WriteLine($"{session.SessionId} {session.Framing}");
        var data = await session.GetConfigAsync(NetconfDatastore.Running);
        output.WriteLine(NetconfText.Canonical(data));
        Assert.True(session.Supports(NetconfCapabilities.Candidate));
    }
}
