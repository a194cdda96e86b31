using Akka.Actor;
using NetFleet.Snmp;

namespace NetFleet.Actors.Devices;

/// <summary>
/// One <see cref="SnmpManager"/> (one UDP socket) per actor system, shared by every device's SNMP actor, so
/// v3 engine IDs and times learnt for an endpoint serve every request to it. Closed when the system terminates.
/// </summary>
public sealed class SnmpManagerExtension : IExtension
{
    public SnmpManagerExtension(ExtendedActorSystem system)
    {
        Manager = new SnmpManager();
        system.RegisterOnTermination(() => Manager.DisposeAsync().AsTask());
    }

    public ISnmpManager Manager { get; }

    public static ISnmpManager For(ActorSystem system) => system.WithExtension<SnmpManagerExtension, SnmpManagerExtensionProvider>().Manager;
}

public sealed class SnmpManagerExtensionProvider : ExtensionIdProvider<SnmpManagerExtension>
{
    public override SnmpManagerExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
