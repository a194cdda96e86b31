using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Actors.Wire;

/// <summary>How the wire messages map to JSON: camelCase names, enums by name (so reordering an enum changes nothing
/// on the wire), device requests with their discriminator, actor references as their full path, module data as plain
/// values, and the secrets of <see cref="SecretSeal.Fields"/> sealed.</summary>
internal static class WireJson
{
    public const string RequestDiscriminator = "$request";

    public static JsonSerializerOptions Options(ExtendedActorSystem system, SecretSeal seal)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(DeviceRequestTypes);
        resolver.Modifiers.Add(info => SealSecrets(info, seal));
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = resolver,
            Converters = { new JsonStringEnumConverter(), new PlainValueConverter(), new AddressConverter(), new ActorRefConverter(system) },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void DeviceRequestTypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(DeviceRequest)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = RequestDiscriminator,
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var (type, name) in WireFormat.DeviceRequests) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, name));
    }

    private static void SealSecrets(JsonTypeInfo info, SecretSeal seal)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider is MemberInfo member && SecretSeal.Fields.Contains((info.Type, member.Name)))
            {
                property.CustomConverter = new SealedStringConverter(seal, $"{info.Type.Name}.{member.Name}");
            }
        }
    }

    private sealed class SealedStringConverter(SecretSeal seal, string field) : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? reader.GetString() : seal.Open(JsonSerializer.Deserialize<SealedValue>(ref reader, options)!, field);

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (seal.Seal(value, field) is { } sealedValue) JsonSerializer.Serialize(writer, sealedValue, options);
            else writer.WriteStringValue(value);
        }
    }

    /// <summary>Module data (<c>object</c>-typed: registered results, parsed records, SNMP variables) as the plain values
    /// templates read: strings, booleans, long integers, doubles, lists and string-keyed dictionaries. A double is always
    /// written with a fraction or exponent so it comes back as a double, not as an integer.</summary>
    internal sealed class PlainValueConverter : JsonConverter<object>
    {
        public override bool HandleNull => true;

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null: return null;
                case JsonTokenType.True: return true;
                case JsonTokenType.False: return false;
                case JsonTokenType.String: return reader.GetString();
                case JsonTokenType.Number:
                    var raw = reader.ValueSpan;
                    if (raw.IndexOfAny(".eE"u8) >= 0) return reader.GetDouble();
                    if (reader.TryGetInt64(out var l)) return l;
                    if (reader.TryGetUInt64(out var u)) return u;
                    return reader.GetDouble();
                case JsonTokenType.StartArray:
                    var list = new List<object?>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(Read(ref reader, typeof(object), options));
                    return list;
                case JsonTokenType.StartObject:
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        map[key] = Read(ref reader, typeof(object), options);
                    }

                    return map;
                default:
                    throw new JsonException($"unexpected {reader.TokenType} in module data");
            }
        }

        public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string s: writer.WriteStringValue(s); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case double or float or decimal: WriteFraction(writer, Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
                case ulong u: writer.WriteNumberValue(u); break;
                case sbyte or byte or short or ushort or int or uint or long: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                case JsonElement element: element.WriteTo(writer); break;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                        Write(writer, entry.Value, options);
                    }

                    writer.WriteEndObject();
                    break;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    writer.WriteStartObject();
                    foreach (var (key, item) in pairs)
                    {
                        writer.WritePropertyName(key);
                        Write(writer, item, options);
                    }

                    writer.WriteEndObject();
                    break;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (var item in items) Write(writer, item, options);
                    writer.WriteEndArray();
                    break;
                default:
                    // A module's own record: its properties, read back as a dictionary (as the job journal keeps it).
                    JsonSerializer.Serialize(writer, value, value.GetType(), options);
                    break;
            }
        }

        private static void WriteFraction(Utf8JsonWriter writer, double d)
        {
            if (!double.IsFinite(d))
            {
                writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                return;
            }

            var text = d.ToString("R", CultureInfo.InvariantCulture);
            writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0");
        }
    }

    private sealed class AddressConverter : JsonConverter<Address>
    {
        public override Address Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Address.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, Address value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    /// <summary>An actor reference as its path with this node's address, resolved on the receiving node.</summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { Length: > 0 } path ? system.Provider.ResolveActorRef(path) : ActorRefs.Nobody;

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
    }
}
