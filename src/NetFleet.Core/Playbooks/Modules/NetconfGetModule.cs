using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record NetconfGetArgs(string? Source, TemplateText? Filter, TemplateText? XPath, IReadOnlyDictionary<string, string> Namespaces)
    : ModuleArgs;

/// <summary>
/// Reads configuration (<c>get-config</c> of <c>source</c>) or state and configuration (<c>get</c>) over NETCONF, filtered by a
/// subtree or an XPath expression. Registered result: <c>output</c> (the XML of the reply's data), <c>parsed</c> (the same
/// as maps, lists and strings for assert, when and later templates), <c>changed</c> (false).
/// </summary>
public sealed class NetconfGetModule : Module, IDeviceModule
{
    public static readonly IReadOnlyList<string> Sources = ["running", "candidate", "startup"];

    public override string Name => "netconf_get";
    public override string Description => "Read configuration (get-config) or state (get) from the device over NETCONF.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("source", ParameterType.String, false, "Datastore for get-config: running, candidate or startup; without it the task sends get (state and configuration).",
            Sources),
        new("filter", ParameterType.Template, false, "Subtree filter: the XML to select, e.g. <interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/>."),
        new("xpath", ParameterType.Template, false, "XPath filter (where the server has :xpath), e.g. /if:interfaces/if:interface; prefixes from 'namespaces'."),
        new("namespaces", ParameterType.StringMap, false, "Prefixes used by 'xpath' → their namespace URIs."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var filter = arguments.Get<TemplateText>("filter");
        var xpath = arguments.Get<TemplateText>("xpath");
        if (filter is not null && xpath is not null)
        {
            context.Diagnostics.Error(arguments.Node("xpath")!.Start, DiagnosticCodes.InvalidValue, "'filter' and 'xpath' cannot be used together",
                "use a subtree filter or an XPath expression, not both");
            return null;
        }

        if (filter is not null && !NetconfContent.Check(filter.Source, arguments.Node("filter")!.Start, "filter", context.Diagnostics)) return null;
        var namespaces = arguments.Get<Dictionary<string, string>>("namespaces");
        if (namespaces is not null && xpath is null)
        {
            context.Diagnostics.Error(arguments.Node("namespaces")!.Start, DiagnosticCodes.InvalidValue, "'namespaces' only serves 'xpath'",
                "add the 'xpath' filter that uses these prefixes, or drop 'namespaces'");
            return null;
        }

        return new NetconfGetArgs(arguments.Get<string>("source"), filter, xpath, namespaces ?? new Dictionary<string, string>());
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var get = (NetconfGetArgs)args;
        return new NetconfGet(get.Source, get.Filter?.Render(scope), get.XPath?.Render(scope)) { Namespaces = get.Namespaces };
    }
}
