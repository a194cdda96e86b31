using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Inventory;

/// <summary>
/// A password or enable secret. It prints as its reference (<c>${env:NAME}</c>, <c>${file:path}</c>) or
/// <c>***</c> for literals, in ToString, JSON and the debugger, and is read only when <see cref="Reveal"/> is
/// called, so logs, results and error messages cannot leak it by accident.
/// </summary>
[JsonConverter(typeof(SecretJsonConverter))]
[DebuggerDisplay("{ToString(),nq}")]
public sealed partial class Secret
{
    private enum Kind { Literal, Environment, File }

    private readonly Kind _kind;
    private readonly string _value; // the literal, the variable name, or the absolute file path
    private readonly string _display;

    private Secret(Kind kind, string value, string display, SourceLocation definedAt, string? host, string? field)
    {
        _kind = kind;
        _value = value;
        _display = display;
        DefinedAt = definedAt;
        Host = host;
        Field = field;
    }

    /// <summary>Where the reference was written, for error messages.</summary>
    public SourceLocation DefinedAt { get; }

    /// <summary>The host and field the secret was resolved for (set when a host inherits it).</summary>
    public string? Host { get; }
    public string? Field { get; }

    public bool IsReference => _kind != Kind.Literal;

    public static Secret Literal(string value, SourceLocation? definedAt = null) =>
        new(Kind.Literal, value, "***", definedAt ?? new SourceLocation("<literal>", 0, 0), null, null);

    /// <summary>
    /// Reads <c>${env:NAME}</c>, <c>${file:path}</c> (relative to <paramref name="baseDirectory"/>) or a literal.
    /// Returns null with an error message for a malformed reference.
    /// </summary>
    public static Secret? Parse(string raw, string baseDirectory, SourceLocation definedAt, out string? error)
    {
        error = null;
        var match = ReferencePattern().Match(raw);
        if (!match.Success)
        {
            if (raw.StartsWith("${", StringComparison.Ordinal))
            {
                error = $"malformed secret reference '{raw}': expected ${{env:NAME}} or ${{file:path}}";
                return null;
            }
            return new Secret(Kind.Literal, raw, "***", definedAt, null, null);
        }
        var (scheme, target) = (match.Groups[1].Value, match.Groups[2].Value);
        switch (scheme)
        {
            case "env":
                return new Secret(Kind.Environment, target, raw, definedAt, null, null);
            case "file":
                var path = Path.GetFullPath(Path.Combine(baseDirectory, target));
                return new Secret(Kind.File, path, raw, definedAt, null, null);
            default:
                error = $"unknown secret reference kind '{scheme}' in '{raw}': expected env or file";
                return null;
        }
    }

    internal Secret For(string host, string field) => new(_kind, _value, _display, DefinedAt, host, field);

    /// <summary>The secret's value, read now. Throws <see cref="SecretUnavailableException"/> naming the host, field and source.</summary>
    public string Reveal()
    {
        switch (_kind)
        {
            case Kind.Literal:
                return _value;
            case Kind.Environment:
                return System.Environment.GetEnvironmentVariable(_value)
                    ?? throw Unavailable($"environment variable '{_value}' is not set");
            default:
                try
                {
                    return File.ReadAllText(_value).TrimEnd('\r', '\n');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw Unavailable($"file '{_value}' cannot be read: {e.Message}");
                }
        }
    }

    private SecretUnavailableException Unavailable(string why)
    {
        var owner = Host is null ? "" : $"host '{Host}' field '{Field}': ";
        return new SecretUnavailableException($"{owner}{_display}: {why} (referenced at {DefinedAt})");
    }

    public override string ToString() => _display;

    [GeneratedRegex(@"^\$\{([a-z]+):([^}]+)\}$")]
    private static partial Regex ReferencePattern();

    private sealed class SecretJsonConverter : JsonConverter<Secret>
    {
        public override Secret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("secrets are read from inventory files, not JSON");

        public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}

public sealed class SecretUnavailableException(string message) : Exception(message);
