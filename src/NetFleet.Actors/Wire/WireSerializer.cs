using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace NetFleet.Actors.Wire;

/// <summary>
/// Writes the messages of <see cref="WireFormat.Messages"/> as UTF-8 JSON (System.Text.Json) under their manifests, so
/// what crosses nodes never depends on CLR type or assembly names, and seals the secrets inside them
/// (<see cref="SecretSeal"/>).
/// </summary>
public sealed class WireSerializer : SerializerWithStringManifest
{
    public const int Id = 4101;

    private readonly IReadOnlyDictionary<string, Type> types;
    private readonly IReadOnlyDictionary<Type, string> manifests;
    private readonly JsonSerializerOptions json;

    public WireSerializer(ExtendedActorSystem system) : this(system, WireFormat.Messages)
    {
    }

    /// <summary>With another map or seal: how tests show a renamed type still reading its manifest, or a node without a key.</summary>
    internal WireSerializer(ExtendedActorSystem system, IReadOnlyDictionary<Type, string> manifests, SecretSeal? seal = null) : base(system)
    {
        this.manifests = manifests;
        types = manifests.ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
        json = WireJson.Options(system, seal ?? SecretSeal.For(system.Settings.Config));
    }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no wire manifest: add it to WireFormat.Messages");

    public override byte[] ToBinary(object obj)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), json);
        }
        catch (NotSupportedException e)
        {
            throw new SerializationException($"{Manifest(obj)}: {e.Message}", e);
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!types.TryGetValue(manifest, out var type))
        {
            throw new SerializationException(
                $"unknown wire manifest '{manifest}' (a node of another NetFleet version?): {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(80, bytes.Length)))}");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type, json) ?? throw new SerializationException($"empty {manifest} message");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"{manifest}: {e.Message}", e);
        }
    }
}
