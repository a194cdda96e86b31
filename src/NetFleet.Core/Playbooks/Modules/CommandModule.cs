using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;
using NetFleet.TextFsm;

namespace NetFleet.Core.Playbooks.Modules;

/// <param name="Parse">The output parser (<c>textfsm</c> or <c>json</c>); the records go to <c>parsed</c>.</param>
/// <param name="Expect">Regular expression the output must match.</param>
/// <param name="Template">A TextFSM template given by the task; null picks one from the index by platform and command.</param>
public sealed record CommandArgs(TemplateText Command, string? Parse, string? Expect, TextFsmTemplate? Template = null) : ModuleArgs;

/// <summary>
/// Runs one show/exec command. <c>command: show version</c> or <c>{command, parse, template, expect}</c>.
/// Registered result: <c>stdout</c>, <c>stdout_lines</c>, <c>parsed</c> (when <c>parse</c> is set), <c>changed</c> (false).
/// </summary>
public sealed class CommandModule : Module, IDeviceModule
{
    public const string TextFsmParser = "textfsm";
    public const string JsonParser = "json";

    public override string Name => "command";
    public override string Description => "Run a command on the device (e.g. show version) and return its output.";
    public override string? FreeFormParameter => "command";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("command", ParameterType.Template, true, "The command to send, e.g. 'show version'."),
        new("parse", ParameterType.String, false,
            "Parse the output into records stored as 'parsed': 'textfsm' (template from the ntc-style index by platform and command, or 'template'), "
            + "or 'json' (the output is JSON, e.g. 'show bgp summary json': objects become maps, arrays lists)."),
        new("template", ParameterType.String, false,
            "A TextFSM template file (beside the playbook or in its templates/ folder); implies parse: textfsm."),
        new("expect", ParameterType.String, false, "Regular expression the output must match; the task fails otherwise."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var expect = arguments.Get<string>("expect");
        if (expect is not null && !IsValidRegex(expect, out var error))
        {
            context.Diagnostics.Error(arguments.Node("expect")!.Start, DiagnosticCodes.InvalidValue,
                $"'expect' is not a valid regular expression: {error}");
        }

        var parse = arguments.Get<string>("parse");
        if (parse is not null && parse != TextFsmParser && parse != JsonParser)
        {
            context.Diagnostics.Error(arguments.Node("parse")!.Start, DiagnosticCodes.InvalidValue,
                $"unknown parser '{parse}'", $"the parsers NetFleet knows are '{TextFsmParser}' and '{JsonParser}'");
        }

        if (parse == JsonParser && arguments.Node("template") is { } jsonTemplate)
        {
            context.Diagnostics.Error(jsonTemplate.Start, DiagnosticCodes.InvalidValue,
                "'template' is a TextFSM template and does not go with 'parse: json'", "drop 'template', or use 'parse: textfsm'");
            return null;
        }

        TextFsmTemplate? template = null;
        if (arguments.Node("template") is Yaml.YScalar templateNode && context.FindFile(templateNode) is { } path)
        {
            try
            {
                template = TextFsmTemplate.Load(path);
            }
            catch (TemplateException e)
            {
                // The template's own error, at its own line, so the author can go straight there.
                context.Diagnostics.Error(new SourceLocation(path, e.Line, 1), DiagnosticCodes.ParserTemplate,
                    $"TextFSM template error: {e.Reason}");
            }
        }

        return arguments.Get<TemplateText>("command") is { } command
            ? new CommandArgs(command, template is not null ? TextFsmParser : parse, expect, template)
            : null;
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var command = (CommandArgs)args;
        return new SendCommand(command.Command.Render(scope), command.Parse, command.Expect);
    }

    /// <summary>Adds the records the task asked for (<c>parse: textfsm</c> or <c>json</c>) as <c>parsed</c>; output the parser
    /// cannot take fails the task with the reason, like any other device answer it cannot use.</summary>
    public ModuleResult Interpret(ModuleArgs args, DeviceRequest sent, string platform, string? output, ModuleResult result)
    {
        if (args is not CommandArgs { Parse: not null } command || output is null || sent is not SendCommand send) return result;
        try
        {
            var records = Parse(command, platform, send.Command, output);
            return result with { Data = new Dictionary<string, object?>(result.Data, StringComparer.Ordinal) { ["parsed"] = records } };
        }
        catch (CommandParseException e)
        {
            return ModuleResult.Fail(e.Message, result.Data);
        }
    }

    /// <summary>A command's output parsed as the task asked: TextFSM records (<see cref="ParseOutput"/>) or the JSON document
    /// (<see cref="JsonOutput"/>); null when the task has no parser.</summary>
    /// <exception cref="CommandParseException">The parser could not take the output.</exception>
    public static object? Parse(CommandArgs args, string platform, string command, string output) =>
        args.Parse == JsonParser ? JsonOutput.Parse(command, output) : ParseOutput(args, platform, command, output);

    /// <summary>
    /// Parses a command's output with TextFSM: records from the task's template, or from the
    /// built-in index's template for the platform and command. Null unless the task asked for TextFSM.
    /// </summary>
    /// <exception cref="CommandParseException">No template fits, or the template rejected the output.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, object>>? ParseOutput(CommandArgs args, string platform,
        string command, string output)
    {
        if (args.Parse != TextFsmParser)
        {
            return null;
        }

        // A task's own template gives records of the same shape as the index's (clitable's) do.
        var table = (args.Template is { } template ? new TextFsmTable([template]) : null)
            ?? TextFsmLibrary.Builtin.Find(platform, command)
            ?? throw new CommandParseException(
                $"no TextFSM template for '{command}' on {platform}; give one with 'template:'");
        try
        {
            return table.ParseText(output);
        }
        catch (TextFsmErrorException e)
        {
            throw new CommandParseException($"TextFSM template {table.Name} rejected the output: {e.Message}");
        }
        catch (TemplateException e)
        {
            throw new CommandParseException($"TextFSM template {table.Name} could not parse the output: {e.Message}");
        }
    }

    private static bool IsValidRegex(string pattern, out string? error)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }
}

/// <summary>A command's output could not be parsed; the task fails with this message.</summary>
public sealed class CommandParseException(string message) : Exception(message);
