using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>Waits <see cref="Duration"/>, and/or asks the operator <see cref="Prompt"/>.</summary>
public sealed record PauseArgs(TimeSpan? Duration, TemplateText? Prompt) : ModuleArgs;

/// <summary>Waits, or asks the operator before going on. Registered result: <c>user_input</c> when prompted.</summary>
public sealed class PauseModule : Module, ILocalModule
{
    public override string Name => "pause";
    public override string Description => "Wait for a time, or until the operator answers a prompt.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("seconds", ParameterType.Number, false, "Seconds to wait."),
        new("minutes", ParameterType.Number, false, "Minutes to wait."),
        new("prompt", ParameterType.Template, false, "Text shown to the operator; the answer is stored as 'user_input'."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var seconds = arguments.GetValue<double>("seconds");
        var minutes = arguments.GetValue<double>("minutes");
        var prompt = arguments.Get<TemplateText>("prompt");
        if (seconds is not null && minutes is not null)
        {
            context.Diagnostics.Error(arguments.Node("minutes")!.Start, DiagnosticCodes.InvalidValue,
                "'seconds' and 'minutes' cannot be used together");
            return null;
        }
        var (amount, name) = seconds is not null ? (seconds, "seconds") : (minutes, "minutes");
        if (amount is < 0)
        {
            context.Diagnostics.Error(arguments.Node(name)!.Start, DiagnosticCodes.InvalidValue, $"'{name}' cannot be negative");
            return null;
        }
        if (amount is null && prompt is null && !(arguments.Map?.Entries.Count > 0))
        {
            context.Diagnostics.Error(arguments.ModuleKey.Start, DiagnosticCodes.MissingKey,
                "module 'pause' needs 'seconds', 'minutes' or 'prompt'");
            return null;
        }
        TimeSpan? duration = seconds is { } s ? TimeSpan.FromSeconds(s) : minutes is { } m ? TimeSpan.FromMinutes(m) : null;
        return new PauseArgs(duration, prompt);
    }

    public async ValueTask<ModuleResult> ExecuteAsync(ModuleArgs args, TaskContext context, CancellationToken cancellationToken)
    {
        var pause = (PauseArgs)args;
        var data = new Dictionary<string, object?>();
        if (pause.Prompt is { } prompt)
        {
            if (context.Prompt is null)
            {
                if (pause.Duration is null) return ModuleResult.Fail("pause with a prompt needs an interactive terminal");
            }
            else
            {
                data["user_input"] = await context.Prompt(prompt.Render(context.Variables), cancellationToken).ConfigureAwait(false);
                return ModuleResult.Ok(data: data);
            }
        }
        if (pause.Duration is { } duration) await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        return ModuleResult.Ok(data: data);
    }
}
