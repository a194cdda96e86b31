using NetFleet.Actors.Devices;
using NetFleet.Core.Playbooks.Modules;
using Xunit;

namespace NetFleet.Actors.Tests.Devices;

public sealed class DeviceOperationsTests
{
    private static readonly IReadOnlyList<Type> RequestTypes = typeof(DeviceRequest).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(DeviceRequest)) && !t.IsAbstract).ToList();

    [Fact]
    public void Every_request_a_device_module_prepares_is_registered_once()
    {
        Assert.NotEmpty(RequestTypes);
        Assert.Empty(RequestTypes.Except(DeviceOperations.RequestTypes));
        Assert.Empty(DeviceOperations.RequestTypes.Except(RequestTypes));
    }

    [Fact]
    public void Snmp_requests_go_to_the_snmp_session_netconf_ones_to_the_netconf_session_and_local_ones_stay_off_the_device()
    {
        foreach (var type in RequestTypes)
        {
            var expected = type.IsSubclassOf(typeof(SnmpRequest)) ? DeviceLane.Snmp
                : type.IsSubclassOf(typeof(LocalRequest)) ? DeviceLane.Local
                : type.IsSubclassOf(typeof(NetconfRequest)) || type == typeof(NetconfEditConfig) ? DeviceLane.Netconf
                : DeviceLane.Session;
            var registered = DeviceOperations.RequestTypes.Single(t => t == type);
            Assert.Equal(expected, DeviceOperations.LaneOf((DeviceRequest)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(registered)));
        }
    }
}
