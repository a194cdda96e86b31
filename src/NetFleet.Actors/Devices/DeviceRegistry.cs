using Akka.Actor;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// Finds or creates the <see cref="DeviceActor"/> for the device a message names and forwards the message (the
/// sender stays the original one). Entity-style on purpose: Cluster Sharding can take this actor's place.
/// </summary>
public sealed class DeviceRegistry : ReceiveActor
{
    public DeviceRegistry(DeviceActorSettings settings, Serilog.ILogger log)
    {
        Receive<IDeviceMessage>(message =>
        {
            var name = ActorName(message.Device);
            var child = Context.Child(name);
            if (child.IsNobody())
            {
                child = Context.ActorOf(DeviceActor.Props(message.Device, settings, log), name);
            }

            child.Forward(message);
        });
    }

    public static Props Props(DeviceActorSettings settings, Serilog.ILogger log) =>
        Akka.Actor.Props.Create(() => new DeviceRegistry(settings, log));

    // A device actor lives as long as the registry: it holds the session and the circuit. An unexpected
    // exception in one restarts that device alone (queue and circuit are lost, sessions are reopened on demand).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    private static string ActorName(string device) => Uri.EscapeDataString(device);
}
