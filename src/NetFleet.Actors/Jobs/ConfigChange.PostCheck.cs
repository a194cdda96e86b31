using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>A command post-check's verdict, and the repeats of a <c>wait_for</c> check: its command runs again
/// <see cref="WaitPolicy.Interval"/> after each failed try (through <see cref="RetryAfter"/>), until its conditions
/// hold or a next try would start after <see cref="WaitPolicy.Timeout"/>; then the change is rolled back with the last
/// output's failing condition.</summary>
internal sealed partial class ConfigChange
{
    /// <summary>How much of the last output a timed-out wait_for quotes in its failure.</summary>
    private const int QuotedOutput = 600;

    private int waitAttempts;
    private long waitStarted;
    /// <summary>One entry per wait_for check that ended: name, attempts, seconds, passed (the result's <c>post_checks</c>).</summary>
    private readonly List<object?> waits = [];

    private IReadOnlyList<Effect> SendCheckCommand(PostCheck check)
    {
        waitAttempts++;
        try
        {
            return Await(Awaiting.PostCheck, new Send(new CommandModule().Prepare(check.Command!, setup.Scope)));
        }
        catch (Exception e)
        {
            return RollBack($"post-check '{check.Name}' failed: {e.Message}");
        }
    }

    private IReadOnlyList<Effect> CheckOutput(string output)
    {
        var check = setup.PostChecks[checkIndex];
        var failing = Verdict(check, output);
        if (check.WaitFor is not { } wait)
        {
            return failing is null ? NextCheck(checkIndex + 1) : RollBack($"post-check '{check.Name}' failed: {failing}");
        }

        var elapsed = setup.Clock.GetElapsedTime(waitStarted);
        if (failing is null)
        {
            waits.Add(WaitReport(check, elapsed, passed: true));
            log.Information("Job {JobId}: wait_for '{Check}' on {Device} held on attempt {Attempt} after {Seconds:0.0} s", setup.JobId,
                check.Name, Key.Device, waitAttempts, elapsed.TotalSeconds);
            return NextCheck(checkIndex + 1);
        }

        if (elapsed + wait.Interval < wait.Timeout) return Await(Awaiting.WaitFor, new RetryAfter(wait.Interval));
        waits.Add(WaitReport(check, elapsed, passed: false));
        var quoted = output.Length > QuotedOutput ? output[..QuotedOutput] + "…" : output;
        return RollBack($"post-check '{check.Name}' failed: still {failing} after {waitAttempts} attempt(s) in "
            + $"{PostCheck.Describe(elapsed)} (timeout {PostCheck.Describe(wait.Timeout)}); last output:\n{quoted.TrimEnd()}\n");
    }

    /// <summary>Why the output fails the check (its first false condition, or what could not be evaluated); null when it passes.</summary>
    private string? Verdict(PostCheck check, string output)
    {
        try
        {
            var command = check.Command!;
            var scope = setup.Scope.With("output", output);
            var sent = (SendCommand)new CommandModule().Prepare(command, scope);
            if (CommandModule.Parse(command, setup.Platform, sent.Command, output) is { } records) scope = scope.With("parsed", records);
            return check.That.FirstOrDefault(c => !c.IsTrue(scope)) is { } condition ? $"{condition.Source} is false" : null;
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    private Dictionary<string, object?> WaitReport(PostCheck check, TimeSpan elapsed, bool passed) => new(StringComparer.Ordinal)
    {
        ["name"] = check.Name,
        ["attempts"] = waitAttempts,
        ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
        ["passed"] = passed,
    };

    private static string WaitSummary(object? report) => report is Dictionary<string, object?> r
        ? FormattableString.Invariant($"wait_for '{r["name"]}' {((bool)r["passed"]! ? "held" : "timed out")} on attempt {r["attempts"]} after {r["seconds"]} s")
        : "";
}
