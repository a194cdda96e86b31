using System.Xml.Linq;
using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// Applies the <c>&lt;configuration&gt;</c> of an <c>edit-config</c> to a configuration tree (RFC 6241 section 7.2):
/// merge, replace, create, delete and remove from the <c>nc:operation</c> attribute (or Junos's own
/// <c>delete="delete"</c> and <c>replace="replace"</c>), the default operation elsewhere. List entries are
/// matched by their <c>&lt;name&gt;</c> key. Errors are collected; after the first one the edit stops unless
/// <paramref name="continueOnError"/>.
/// </summary>
internal sealed class NetconfEdit(XElement target, bool continueOnError)
{
    public static readonly string[] Operations = ["merge", "replace", "create", "delete", "remove"];

    public List<NetconfRpcError> Errors { get; } = [];

    private bool Stopped => Errors.Count > 0 && !continueOnError;

    /// <summary>Applies <paramref name="edit"/> (a <c>&lt;configuration&gt;</c> in the Junos namespace).
    /// <paramref name="defaultOperation"/> is merge, replace or none.</summary>
    public void Apply(XElement edit, string defaultOperation)
    {
        if (defaultOperation == "replace")
        {
            // The whole configuration becomes the one sent (RFC 6241 default-operation replace).
            target.RemoveNodes();
        }
        foreach (var child in edit.Elements())
        {
            if (Stopped)
            {
                return;
            }
            Edit(target, child, defaultOperation);
        }
    }

    private void Edit(XElement parent, XElement edit, string inherited)
    {
        if (OperationOf(edit) is { } invalid && !Operations.Contains(invalid))
        {
            Error("protocol", "bad-attribute", edit, $"unknown operation '{invalid}'; use merge, replace, create, delete or remove",
                new XElement(NetconfXml.Base + "bad-attribute", "operation"), new XElement(NetconfXml.Base + "bad-element", edit.Name.LocalName));
            return;
        }
        var operation = OperationOf(edit) ?? inherited;
        var existing = Find(parent, edit);
        switch (operation)
        {
            case "create" when existing is not null:
                Error("application", "data-exists", edit, $"{Describe(edit)} already exists; create adds only what is missing");
                return;
            case "delete" when existing is null:
                Error("application", "data-missing", edit, $"{Describe(edit)} does not exist, so it cannot be deleted");
                return;
            case "delete" or "remove":
                if (existing is not null)
                {
                    existing.Remove();
                    Prune(parent);
                }
                return;
            case "create":
                parent.Add(Clean(edit));
                return;
            case "replace":
                if (existing is null)
                {
                    parent.Add(Clean(edit));
                }
                else
                {
                    existing.ReplaceWith(Clean(edit));
                }
                return;
        }

        // merge, or none (change nothing here, but follow operations further down).
        var children = edit.Elements().Where(c => !IsKey(c)).ToList();
        if (children.Count == 0 && !HasKey(edit))
        {
            if (operation == "none")
            {
                return;
            }
            if (existing is null)
            {
                parent.Add(Clean(edit));
            }
            else if (edit.Value.Trim().Length > 0)
            {
                existing.Value = edit.Value.Trim();
            }
            return;
        }

        var created = existing is null;
        if (existing is null)
        {
            existing = new XElement(edit.Name, edit.Elements().Where(IsKey).Select(k => new XElement(k)));
            parent.Add(existing);
        }
        foreach (var child in children)
        {
            if (Stopped)
            {
                break;
            }
            Edit(existing, child, operation);
        }
        if (created && operation == "none" && !existing.Elements().Any(c => !IsKey(c)))
        {
            existing.Remove();
        }
    }

    // Containers a delete left empty go with it, as the CLI's delete does.
    private void Prune(XElement emptied)
    {
        for (var at = emptied; at != target && at.Parent is { } parent && !at.Elements().Any(c => !IsKey(c)); at = parent)
        {
            at.Remove();
        }
    }

    private static string? OperationOf(XElement edit) =>
        edit.Attribute(NetconfXml.Base + "operation")?.Value
        ?? (edit.Attribute("delete")?.Value == "delete" ? "delete" : null)
        ?? (edit.Attribute("replace")?.Value == "replace" ? "replace" : null);

    private static XElement? Find(XElement parent, XElement edit)
    {
        var key = KeyOf(edit);
        return parent.Elements(edit.Name).FirstOrDefault(e => key is null || KeyOf(e) == key);
    }

    private static string? KeyOf(XElement element) => element.Elements().FirstOrDefault(IsKey)?.Value.Trim();

    private static bool IsKey(XElement element) => element.Name.LocalName == "name" && !element.HasElements;

    private static bool HasKey(XElement element) => element.Elements().Any(IsKey);

    /// <summary>A copy without the operation attributes, for storing.</summary>
    private static XElement Clean(XElement edit)
    {
        var copy = new XElement(edit);
        foreach (var element in copy.DescendantsAndSelf())
        {
            element.Attributes().Where(a => a.Name == NetconfXml.Base + "operation" || a.Name == "delete" || a.Name == "replace").Remove();
        }
        return copy;
    }

    private void Error(string type, string tag, XElement at, string message, params XElement[] info) =>
        Errors.Add(new NetconfRpcError(type, tag, "error")
        {
            Path = PathOf(at),
            Message = message,
            Info = info.Length == 0 ? null : new XElement(NetconfXml.Base + "error-info", info),
        });

    private static string Describe(XElement edit) =>
        KeyOf(edit) is { } key ? $"{edit.Name.LocalName} {key}" : edit.Name.LocalName;

    /// <summary>Where an element sits, as an XPath with list keys: <c>/configuration/interfaces/interface[name='ge-0/0/1']/unit[name='x']</c>.</summary>
    public static string PathOf(XElement element) =>
        string.Concat(element.AncestorsAndSelf().Reverse()
            .SkipWhile(e => e.Name.LocalName != "configuration")
            .Select(e => "/" + e.Name.LocalName + (KeyOf(e) is { } key && !IsKey(e) ? $"[name='{key}']" : "")));
}
