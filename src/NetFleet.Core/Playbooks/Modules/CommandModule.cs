using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

/// <param name="Parse">Name of an output parser the runner applies; the result goes to <c>parsed</c>.</param>
/// <param name="Expect">Regular expression the output must match.</param>
public sealed record CommandArgs(TemplateText Command, string? Parse, string? Expect) : ModuleArgs;

/// <summary>
/// Runs one show/exec command. <c>command: show version</c> or <c>{command, parse, expect}</c>.
/// Registered result: <c>stdout</c>, <c>stdout_lines</c>, <c>parsed</c> (when <c>parse</c> is set), <c>changed</c> (false).
/// </summary>
public sealed class CommandModule : Module, IDeviceModule
{
    public override string Name => "command";
    public override string Description => "Run a command on the device (e.g. show version) and return its output.";
    public override string? FreeFormParameter => "command";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("command", ParameterType.Template, true, "The command to send, e.g. 'show version'."),
        new("parse", ParameterType.String, false, "Name of an output parser (e.g. a TextFSM template) whose result is stored as 'parsed'."),
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
        return arguments.Get<TemplateText>("command") is { } command
            ? new CommandArgs(command, arguments.Get<string>("parse"), expect)
            : null;
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var command = (CommandArgs)args;
        return new SendCommand(command.Command.Render(scope), command.Parse, command.Expect);
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
