using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>How a device's answer becomes a task's result: what <c>register</c> sees (<c>stdout</c>, <c>stdout_lines</c>,
/// <c>diff</c>, the request's own data) and the outcome.</summary>
internal static class DeviceReplies
{
    public static TaskOutcome OutcomeOf(ModuleResult result) =>
        result.Failed ? TaskOutcome.Failed : result.Changed ? TaskOutcome.Changed : TaskOutcome.Ok;

    public static (ModuleResult Result, TaskOutcome Outcome, string? Output, string? Diff) Completed(DeviceRequestCompleted done)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (done.Output is { } output)
        {
            data["stdout"] = output;
            data["stdout_lines"] = output.Split('\n').Select(l => (object?)l).ToList();
        }

        if (done.Diff is { } diff) data["diff"] = diff;
        foreach (var (key, value) in done.Data ?? new Dictionary<string, object?>()) data[key] = value;
        var result = ModuleResult.Ok(data: data, changed: done.Changed);
        return (result, OutcomeOf(result), done.Output, done.Diff);
    }

    /// <summary>A device that could not be reached, or dropped the session, makes the host unreachable; anything else fails the task.</summary>
    public static (ModuleResult Result, TaskOutcome Outcome) Failed(DeviceRequestFailed failed) =>
        (ModuleResult.Fail(failed.Message), failed.Kind is FailureKind.Unreachable or FailureKind.Dropped ? TaskOutcome.Unreachable : TaskOutcome.Failed);
}
