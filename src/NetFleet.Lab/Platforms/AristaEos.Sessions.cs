using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>EOS configuration sessions: <c>configure session NAME</c>, <c>commit</c>, <c>commit timer</c> and its
/// confirmation, <c>abort</c>, <c>show session-config [diffs]</c>.</summary>
public sealed partial class AristaEos
{
    /// <summary>What committing a session did: an error, a revert to arm, or a revert that was confirmed.</summary>
    private sealed record CommitOutcome(string? Error, PendingRevert? Armed, string? Confirmed);

    private sealed partial class Cli
    {
        public void EnterSession(string name)
        {
            Store.Update(s =>
            {
                var existing = s.Sessions.Find(x => x.Name == name);
                if (existing is null || existing.State != "pending")
                {
                    s.Sessions.RemoveAll(x => x.Name == name);
                    s.Sessions.Add(new ConfigSession { Name = name, Config = s.RunningConfig, User = Session.Username });
                }
            });
            SessionName = name;
            Mode = TopMode;
        }

        public void Abort(string name)
        {
            Store.Update(s => s.Sessions.RemoveAll(x => x.Name == name && x.State == "pending"));
            if (SessionName == name)
            {
                (SessionName, Mode) = (null, null);
            }
        }

        /// <summary>Commits a session, or confirms one whose commit timer runs
        /// (<c>configure session NAME commit</c>). With <paramref name="timer"/> the commit reverts
        /// by itself unless confirmed in time.</summary>
        public async Task CommitAsync(string name, TimeSpan? timer, CancellationToken ct)
        {
            var clock = Session.Clock;
            var (error, pending, confirmed) = Store.Update(CommitOutcome (s) =>
            {
                var target = s.Sessions.Find(x => x.Name == name);
                if (target is null || target.State is "completed" or "aborted")
                {
                    return new($"% Cannot commit session {name}: session does not exist\n", null, null);
                }
                if (target.State == "pendingCommitTimer")
                {
                    var id = s.PendingRevert?.Session == name ? s.PendingRevert.Id : null;
                    s.PendingRevert = id is null ? s.PendingRevert : null;
                    target.State = "completed";
                    return new(null, null, id);
                }
                var previous = s.RunningConfig;
                s.RunningConfig = target.Config;
                target.State = timer is null ? "completed" : "pendingCommitTimer";
                // EOS keeps one completed session for reference.
                s.Sessions.RemoveAll(x => x.State is "completed" or "aborted" && x != target);
                if (timer is { } t)
                {
                    s.PendingRevert = RevertTimers.Create(clock, t / TimeSpan.FromMinutes(1), previous, name);
                }
                return new(null, timer is null ? null : s.PendingRevert, null);
            });
            if (error is not null)
            {
                await WriteAsync(error, ct);
                return;
            }
            if (pending is not null)
            {
                ArmRevert(pending);
            }
            if (confirmed is not null)
            {
                RevertTimers.Disarm(confirmed);
            }
            if (SessionName == name)
            {
                (SessionName, Mode) = (null, null);
            }
        }

        public async Task ShowSessionAsync(string? name, CliCall call, CancellationToken ct)
        {
            var diffs = call.Command.EndsWith("diffs", StringComparison.Ordinal);
            var text = Store.Read(s =>
            {
                var target = name is null ? null : s.Sessions.Find(x => x.Name == name);
                if (target is null)
                {
                    return name is null ? "% Not in a configuration session\n" : $"% Session {name} does not exist\n";
                }
                return diffs
                    ? UnifiedDiff.Create("system:/running-config", $"session:/{name}-session-config", s.RunningConfig, target.Config)
                    : ConfigText(s, "session-config", target.Config);
            });
            await OutputAsync(text, call.Filter, ct);
        }
    }
}
