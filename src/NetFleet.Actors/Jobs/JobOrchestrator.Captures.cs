using Akka.Actor;
using NetFleet.Actors.Capture;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// A play's <c>capture:</c> block: a <see cref="JobCaptureWindow"/> child starts the captures before the play's first
/// batch (or before every batch, <c>per_batch</c>) and the batch waits until they run; after the play's last batch (or
/// after every batch) they are stopped and each capture's result is journaled as <see cref="JobJournal.CaptureFinished"/>
/// before the job goes on. A capture that cannot start halts the job before any device is touched; a job that halts or
/// is cancelled stops its captures before it finishes. While they run, their sensors' progress reports are emitted as
/// <see cref="NetFleet.Core.Results.CaptureProgressReported"/> events (live only, not journaled).
/// </summary>
public sealed partial class JobOrchestrator
{
    private enum CaptureState
    {
        None,
        Starting,
        Running,
        Stopping,
    }

    private IActorRef? captureWindow;
    private CaptureState captureState;
    private int? captureBatch;
    private int capturedPlay = -1;
    private Action? afterCapturesStopped;

    private void CaptureCommands()
    {
        Command<JobCaptureWindow.WindowStarted>(started =>
        {
            if (!Sender.Equals(captureWindow) || captureState != CaptureState.Starting) return;
            captureState = CaptureState.Running;
            log.Information("Job {JobId}: capturing on {Selection} ({Captures}) for play '{Play}'", spec.JobId, Play.Capture!.Selection,
                string.Join(", ", started.CaptureIds), Play.Name);
            if (Stopping)
            {
                StopCaptures(FinishIfIdle);
                return;
            }

            StartBatch();
        });
        Command<JobCaptureWindow.WindowProgress>(progress =>
        {
            if (!Sender.Equals(captureWindow)) return;
            NoteCaptureProgress(progress);
            Emit(JobCaptureWindow.ToProgressEvent(spec.JobId, playIndex, captureBatch, progress));
        });
        Command<JobCaptureWindow.WindowRefused>(refused =>
        {
            if (!Sender.Equals(captureWindow)) return;
            captureWindow = null;
            captureState = CaptureState.None;
            if (!Stopping) Halt($"play '{Play.Name}': the capture on {Play.Capture!.Selection} could not start: {refused.Reason}");
            FinishIfIdle();
        });
        Command<JobCaptureWindow.WindowStopped>(stopped =>
        {
            if (!Sender.Equals(captureWindow)) return;
            captureWindow = null;
            captureState = CaptureState.None;
            var then = afterCapturesStopped ?? (() => { });
            afterCapturesStopped = null;
            if (stopped.Captures.Count == 0)
            {
                then();
                return;
            }

            for (var i = 0; i < stopped.Captures.Count; i++)
            {
                var e = JobCaptureWindow.ToEvent(spec.JobId, playIndex, captureBatch, stopped.Captures[i], stopped.StoppedAt);
                if (e.Status == CaptureStatus.Failed)
                    log.Warning("Job {JobId}: capture {CaptureId} on sensor {Sensor} failed: {Error}", spec.JobId, e.CaptureId, e.Sensor, e.Error);
                else
                    log.Information("Job {JobId}: capture {CaptureId} on sensor {Sensor}: {Packets} packets, {Bytes} bytes", spec.JobId,
                        e.CaptureId, e.Sensor, e.Packets, e.Bytes);
                Record(e, i == stopped.Captures.Count - 1 ? then : null);
            }
        });
    }

    /// <summary>Starts the play's captures when this batch needs them; true while the batch has to wait for them.</summary>
    private bool StartCapturesBeforeBatch()
    {
        if (Play.Capture is not { } block || captureState == CaptureState.Running) return false;
        if (captureState != CaptureState.None) return true;
        if (!block.PerBatch && capturedPlay == playIndex) return false;
        capturedPlay = playIndex;
        captureBatch = block.PerBatch ? batchIndex : null;
        captureState = CaptureState.Starting;
        captureWindow = Context.ActorOf(JobCaptureWindow.Props(block, Self), $"capture-{playIndex}-{batchIndex}");
        return true;
    }

    /// <summary>After a batch: stops the captures that were around it (or around the play, after its last batch), and goes
    /// on once their results are journaled. True while the job has to wait for that.</summary>
    private bool StopCapturesAfterBatch()
    {
        if (captureState == CaptureState.Stopping) return true;
        if (captureState != CaptureState.Running || Play.Capture is not { } block) return false;
        if (!block.PerBatch && batchIndex < batches.Count - 1) return false;
        StopCaptures(NextBatch);
        return true;
    }

    /// <summary>Before the job finishes: captures still open are stopped and recorded first. True while that goes on.</summary>
    private bool CapturesStillOpen()
    {
        switch (captureState)
        {
            case CaptureState.None:
                return false;
            case CaptureState.Running:
                StopCaptures(FinishIfIdle);
                return true;
            default:
                // Starting: WindowStarted stops them at once; Stopping: the stop's continuation comes back here.
                return true;
        }
    }

    private void StopCaptures(Action then)
    {
        captureState = CaptureState.Stopping;
        afterCapturesStopped = then;
        captureWindow!.Tell(JobCaptureWindow.StopWindow.Instance);
    }
}
