using NetFleet.Core.Results;

namespace NetFleet.Cli.Output;

/// <summary>
/// The state of a running job as its events arrive (from any thread): totals, the current batch,
/// failures in order, the latest report of each running capture, the approval gate it waits at, and an ETA from the pace so far. Renderers only read
/// snapshots of it.
/// </summary>
internal sealed class JobProgress
{
    private readonly Lock gate = new();
    private readonly List<TaskResult> failures = [];
    private readonly Dictionary<TaskOutcome, int> outcomes = [];
    private readonly Dictionary<string, (CaptureProgressReported Report, DateTimeOffset Received)> captures = new(StringComparer.Ordinal);

    /// <summary>Sensors report every second while a capture runs; one silent this long has stopped (the job journals
    /// its final summary), so the panel drops it.</summary>
    private static readonly TimeSpan CaptureShownFor = TimeSpan.FromSeconds(3);
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private int expectedTasks;
    private int finishedTasks;
    private string batch = "";
    private string play = "";
    private ApprovalRequested? waitingForApproval;

    public void Apply(JobEvent e)
    {
        lock (gate)
        {
            switch (e)
            {
                case JobStarted started:
                    expectedTasks = started.Devices.Count * started.TaskCount;
                    break;
                case PlayStarted p:
                    play = p.Name;
                    break;
                case BatchStarted b:
                    batch = $"batch {b.BatchIndex + 1}/{b.BatchCount}: {b.Devices.Count} device(s)";
                    break;
                case ApprovalRequested a:
                    waitingForApproval = a;
                    break;
                case ApprovalGranted or JobFinished:
                    waitingForApproval = null;
                    break;
                case CaptureProgressReported c:
                    captures[c.CaptureId] = (c, DateTimeOffset.UtcNow);
                    break;
                case TaskFinished { Result: var r }:
                    // Loop items report one result each; count a task once, at its first item.
                    if (r.Item is null || !IsLaterItem(r))
                    {
                        finishedTasks++;
                    }

                    outcomes[r.Outcome] = outcomes.GetValueOrDefault(r.Outcome) + 1;
                    if (r.Outcome is TaskOutcome.Failed or TaskOutcome.Unreachable)
                    {
                        failures.Add(r);
                    }

                    break;
            }
        }
    }

    private readonly HashSet<(string, int, int)> seenLoopTasks = [];

    private bool IsLaterItem(TaskResult r) => !seenLoopTasks.Add((r.Device, r.PlayIndex, r.TaskIndex));

    public Snapshot Read()
    {
        lock (gate)
        {
            var elapsed = DateTimeOffset.UtcNow - startedAt;
            TimeSpan? eta = finishedTasks > 0 && expectedTasks > finishedTasks
                ? elapsed / finishedTasks * (expectedTasks - finishedTasks)
                : null;
            return new Snapshot(play, batch, Math.Max(expectedTasks, finishedTasks), finishedTasks,
                new Dictionary<TaskOutcome, int>(outcomes), [.. failures],
                [.. captures.Values.Where(c => DateTimeOffset.UtcNow - c.Received < CaptureShownFor).Select(c => c.Report)], elapsed, eta,
                waitingForApproval);
        }
    }

    public sealed record Snapshot(string Play, string Batch, int Expected, int Finished,
        IReadOnlyDictionary<TaskOutcome, int> Outcomes, IReadOnlyList<TaskResult> Failures, IReadOnlyList<CaptureProgressReported> Captures,
        TimeSpan Elapsed, TimeSpan? Eta, ApprovalRequested? WaitingForApproval)
    {
        public int Count(TaskOutcome outcome) => Outcomes.GetValueOrDefault(outcome);
    }
}
