using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>Junos configuration mode: the shared, private or exclusive candidate, <c>set</c>/<c>delete</c>/<c>edit</c>,
/// <c>show | compare</c>, <c>commit</c> with its variants and <c>rollback N</c>.</summary>
public sealed partial class JuniperJunos
{
    private sealed partial class Cli
    {
        public async Task EnterAsync(string? kind, CancellationToken ct)
        {
            var modified = Store.Read(s => s.Candidate is { } c && c != s.RunningConfig);
            if (kind is not null && modified)
            {
                await WriteAsync(kind == "private"
                    ? "error: shared configuration database modified\nProblem loading configuration\n"
                    : "error: configuration database modified\n", ct);
                return;
            }
            var text = new StringBuilder();
            if (kind is not null)
            {
                text.Append("warning: uncommitted changes will be discarded on exit\n");
            }
            text.Append("Entering configuration mode\n");
            if (modified)
            {
                text.Append("The configuration has been changed but not committed\n");
            }
            (configuring, Path) = (true, []);
            database = kind switch { "private" => Database.Private, "exclusive" => Database.Exclusive, _ => Database.Shared };
            privateCandidate = database == Database.Private ? Store.Read(s => s.RunningConfig) : null;
            await WriteAsync(text.ToString(), ct);
        }

        public string Candidate(DeviceState state) => privateCandidate ?? state.Candidate ?? state.RunningConfig;

        public void SetCandidate(DeviceState state, string config)
        {
            if (database == Database.Private)
            {
                privateCandidate = config;
            }
            else
            {
                state.Candidate = config;
            }
        }

        public bool Uncommitted() => Store.Read(s => Candidate(s) != s.RunningConfig);

        public async Task EditAsync(CliCall call, CancellationToken ct)
        {
            if (await TopKeywordAsync(call.Tokens, 1, call.Column, ct) is { } edited)
            {
                Path = [.. Path, .. Store.Read(s => JunosConfig.Parse(Candidate(s)).Statements(Path, [edited, .. Words(call).Skip(1)]))];
            }
        }

        /// <summary>At the top of the hierarchy the first word must be a top-level statement
        /// (abbreviations allowed); returns it spelled out, or null after reporting a syntax error.</summary>
        public async Task<string?> TopKeywordAsync(IReadOnlyList<CliToken> tokens, int index, int column, CancellationToken ct)
        {
            var word = tokens[index].Text;
            if (Path.Count > 0)
            {
                return word;
            }
            var matches = JunosConfig.TopLevel.Where(k => k.StartsWith(word, StringComparison.Ordinal)).ToList();
            var exact = matches.Contains(word) ? word : matches.Count == 1 ? matches[0] : null;
            if (exact is null)
            {
                await ErrorAsync(column + tokens[index].Offset, "syntax error.", ct);
            }
            return exact;
        }

        public async Task SetAsync(CliCall call, CancellationToken ct)
        {
            var (line, tokens, column) = (call.Line, call.Tokens, call.Column);
            if (await TopKeywordAsync(tokens, 1, column, ct) is not { } first)
            {
                return;
            }
            if (RejectRules.Find(Session.Device.Faults, line) is { } at)
            {
                await ErrorAsync(column + tokens[RejectRules.TokenAt(tokens, at)].Offset, "syntax error.", ct);
                return;
            }
            if (tokens.Count < 3 && Path.Count == 0)
            {
                await ErrorAsync(column + line.TrimEnd().Length + 1, "syntax error, expecting <statement> or <identifier>.", ct);
                return;
            }
            List<string> words = [first, .. tokens.Skip(2).Select(t => t.Text)];
            Store.Update(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                candidate.Set(Path, words);
                SetCandidate(s, candidate.Render());
            });
        }

        public async Task DeleteAsync(List<string> words, CancellationToken ct)
        {
            var found = Store.Update(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                if (!candidate.Delete(Path, words))
                {
                    return false;
                }
                SetCandidate(s, candidate.Render());
                return true;
            });
            if (!found)
            {
                await WriteAsync("warning: statement not found\n", ct);
            }
        }

        public async Task ShowCandidateAsync(List<string> words, List<string> pipes, CancellationToken ct)
        {
            var text = Store.Read(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                if (pipes.FirstOrDefault(p => p.StartsWith("compare", StringComparison.Ordinal)) is { } compare)
                {
                    var against = compare.Split(' ') is [_, "rollback", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
                    return against < s.Commits.Count
                        ? JunosConfig.Compare(JunosConfig.Parse(s.Commits[against].Config), candidate)
                        : $"error: rollback {against} does not exist\n";
                }
                List<string> at = [.. Path, .. candidate.Statements(Path, words)];
                return pipes.Contains("display set") ? candidate.DisplaySet(at) : candidate.Render(at);
            });
            await ShowAsync(text, pipes, ct);
        }

        public async Task CommitAsync(int? confirmMinutes, string comment, CancellationToken ct)
        {
            var clock = Session.Clock;
            var (pending, confirmed) = Store.Update(s =>
            {
                var previous = s.RunningConfig;
                var confirmedId = s.PendingRevert?.Id;
                s.PendingRevert = null;
                Commit(s, Candidate(s), Session.Username, "cli", comment, clock.Time.GetUtcNow());
                s.Candidate = null;
                if (database == Database.Private)
                {
                    privateCandidate = s.RunningConfig;
                }
                if (confirmMinutes is { } minutes)
                {
                    s.PendingRevert = RevertTimers.Create(clock, minutes, previous);
                }
                return (s.PendingRevert, confirmedId);
            });
            if (confirmed is not null)
            {
                RevertTimers.Disarm(confirmed);
            }
            var text = new StringBuilder();
            if (pending is not null)
            {
                ArmRevert(pending);
                text.Append(CultureInfo.InvariantCulture, $"commit confirmed will be automatically rolled back in {confirmMinutes} minutes unless confirmed\n");
            }
            text.Append("commit complete\n");
            if (pending is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n# commit confirmed will be rolled back in {confirmMinutes} minutes\n");
            }
            await WriteAsync(text.ToString(), ct);
        }

        public async Task RollbackAsync(int index, CancellationToken ct)
        {
            var loaded = Store.Update(s =>
            {
                if (index >= s.Commits.Count)
                {
                    return false;
                }
                SetCandidate(s, s.Commits[index].Config);
                return true;
            });
            await WriteAsync(loaded ? "load complete\n" : $"error: rollback {index} does not exist\n", ct);
        }

        public async Task LeaveAsync(CancellationToken ct, bool committed = false)
        {
            if (!committed && Uncommitted())
            {
                if (await AskAsync("The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) ", ct) is not { } answer)
                {
                    return;
                }
                if (answer.Trim().StartsWith('n'))
                {
                    return;
                }
            }
            if (database == Database.Exclusive)
            {
                Store.Update(s => s.Candidate = null);
            }
            (configuring, Path, privateCandidate) = (false, [], null);
            await WriteAsync("Exiting configuration mode\n", ct);
        }
    }
}
