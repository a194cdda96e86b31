using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record SetFactArgs(IReadOnlyDictionary<string, TemplatedValue> Facts) : ModuleArgs;

/// <summary>Sets per-host variables visible to later tasks (returned in <see cref="ModuleResult.Facts"/>; the runner keeps them).</summary>
public sealed class SetFactModule : Module, ILocalModule
{
    public override string Name => "set_fact";
    public override string Description => "Set variables for this host, visible to the following tasks. Values may use {{ }} templates.";
    public override IReadOnlyList<ModuleParameter> Parameters { get; } = [];
    public override bool AcceptsAnyKeys => true;

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var facts = new Dictionary<string, TemplatedValue>(StringComparer.Ordinal);
        foreach (var (key, value) in arguments.Map!.Entries)
        {
            if (Names.Check(key, "fact", context.Diagnostics))
                facts[key.Value] = TemplatedValue.Compile(value, context.Diagnostics);
        }
        if (facts.Count == 0 && arguments.Map.Entries.Count == 0)
        {
            context.Diagnostics.Error(arguments.ModuleKey.Start, Diagnostics.DiagnosticCodes.Empty, "set_fact sets nothing");
            return null;
        }
        return new SetFactArgs(facts);
    }

    public ValueTask<ModuleResult> ExecuteAsync(ModuleArgs args, TaskContext context, CancellationToken cancellationToken)
    {
        var facts = ((SetFactArgs)args).Facts.ToDictionary(f => f.Key, f => f.Value.Evaluate(context.Variables), StringComparer.Ordinal);
        return ValueTask.FromResult(ModuleResult.Ok(facts: facts, data: new Dictionary<string, object?> { ["facts"] = facts }));
    }
}
