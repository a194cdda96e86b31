using System.Net;
using NetFleet.Core.Playbooks;

namespace NetFleet.Api.Tests;

/// <summary>The configuration timeline and drift over HTTP: a backup submitted through the API lands in the node's archive
/// and shows as the device's first version.</summary>
public sealed class ConfigEndpointsTests(ApiNode node) : IClassFixture<ApiNode>
{
    [Fact]
    public async Task A_backup_shows_in_the_devices_configuration_timeline()
    {
        using var viewer = node.Client(node.ViewerToken);
        using (var none = await viewer.GetAsync("/api/devices/no-such-device/configs"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Contains("no-such-device: no configuration in the archive", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var operatorClient = node.Client(node.OperatorToken);
        var jobId = await ApiNode.SubmitAsync(operatorClient, new SubmitRequest(null, null) { PlaybookText = BuiltInPlaybooks.Backup });
        var job = await ApiNode.WaitFinishedAsync(operatorClient, jobId);
        Assert.Equal("succeeded", job.Status);

        var timeline = await ApiNode.GetAsync<List<ConfigVersionView>>(viewer, $"/api/devices/{ApiNode.Devices[0]}/configs");
        var first = Assert.Single(timeline, v => v.JobId == jobId);
        Assert.Equal("alice", first.User);
        Assert.False(first.Drift);
        Assert.Contains($"+hostname {ApiNode.Devices[0]}", first.Diff, StringComparison.Ordinal);
        var drift = await ApiNode.GetAsync<List<DriftView>>(viewer, $"/api/drift?device={ApiNode.Devices[0]}");
        Assert.DoesNotContain(drift, d => d.JobId == jobId);
    }
}
