using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record AssertArgs(IReadOnlyList<TemplateExpression> That, TemplateText? FailMsg, TemplateText? SuccessMsg) : ModuleArgs;

/// <summary>Fails the host when any condition is false. Registered result: <c>assertion</c> (the failing condition) and <c>msg</c>.</summary>
public sealed class AssertModule : Module, ILocalModule
{
    public override string Name => "assert";
    public override string Description => "Check conditions (bare Scriban expressions); fail the host if one is false.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("that", ParameterType.ExpressionList, true, "A condition or list of conditions, e.g. 'version.stdout | string.contains \"15.\"'."),
        new("fail_msg", ParameterType.Template, false, "Message when a condition is false."),
        new("success_msg", ParameterType.Template, false, "Message when every condition is true."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context) =>
        arguments.Get<List<TemplateExpression>>("that") is { } that
            ? new AssertArgs(that, arguments.Get<TemplateText>("fail_msg"), arguments.Get<TemplateText>("success_msg"))
            : null;

    public ValueTask<ModuleResult> ExecuteAsync(ModuleArgs args, TaskContext context, CancellationToken cancellationToken)
    {
        var assert = (AssertArgs)args;
        var scope = context.Variables;
        foreach (var condition in assert.That)
        {
            if (!condition.IsTrue(scope))
            {
                var message = assert.FailMsg?.Render(scope) ?? $"assertion failed: {condition.Source}";
                return ValueTask.FromResult(ModuleResult.Fail(message,
                    new Dictionary<string, object?> { ["assertion"] = condition.Source, ["evaluated_to"] = false }));
            }
        }
        return ValueTask.FromResult(ModuleResult.Ok(assert.SuccessMsg?.Render(scope) ?? "all assertions passed"));
    }
}
