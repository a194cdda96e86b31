namespace NetFleet.Core.Playbooks;

/// <summary>
/// What playbooks may name as a network namespace (the probe module's <c>netns</c>, a capture's
/// <c>interface: NETNS/INTERFACE</c>): a plain file name under /run/netns, as <c>ip netns add</c> makes them. The same
/// rule as NetFleet.Capture's NetworkNamespace.Problem, which Core cannot see; checked here so a playbook's mistake is
/// located in its file, not found on a sensor.
/// </summary>
public static class NetworkNamespaceName
{
    public static string? Problem(string name) =>
        string.IsNullOrWhiteSpace(name) ? "a network namespace needs a name"
        : name is "." or ".." || name.IndexOfAny(['/', '\0']) >= 0 || name.Any(char.IsWhiteSpace)
            ? $"'{name}' is not a network namespace name (a file name under /run/netns, without '/' or spaces)"
        : null;
}
