using System.Xml.Linq;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using NetFleet.Devices.Netconf;
using NetFleet.Netconf;

namespace NetFleet.Actors.Devices;

/// <summary>
/// The NETCONF lane's requests, each one run on the device's open <see cref="INetconfSession"/>. A change uses the
/// protocol's own safety net where the server has it: the candidate locked, edited, validated and diffed against running,
/// then a confirmed commit (with a persist token under confirmed-commit:1.1, so a later session can confirm or cancel it);
/// without <c>:candidate</c> the running datastore is edited and the backup is the way back.
/// </summary>
internal static class NetconfOperations
{
    public static async Task<SessionAnswer> GetAsync(INetconfSession session, NetconfGet get, CancellationToken ct)
    {
        var filter = FilterOf(get);
        var data = get.Source is { } source
            ? await session.GetConfigAsync(DatastoreOf(source), filter, ct).ConfigureAwait(false)
            : await session.GetAsync(filter, ct).ConfigureAwait(false);
        var xml = data.ToString();
        return new SessionAnswer(xml)
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["output"] = xml, ["parsed"] = NetconfRecords.From(data) },
        };
    }

    public static async Task<SessionAnswer> ReadAsync(INetconfSession session, CancellationToken ct) =>
        new(await RunningAsync(session, ct).ConfigureAwait(false));

    /// <summary>A change, or in check mode its preview: what it would change, with nothing committed.</summary>
    public static async Task<SessionAnswer> EditAsync(INetconfSession session, NetconfEditConfig edit, bool check, CancellationToken ct)
    {
        var config = ConfigElement(edit.Content);
        var options = new EditConfigOptions { DefaultOperation = edit.DefaultOperation, ErrorOption = edit.ErrorOption };
        var hasCandidate = session.Supports(NetconfCapabilities.Candidate);
        if (edit.Target == "candidate" && !hasCandidate)
            throw new DeviceStateException(session.Device, "the task's target is 'candidate' but the server has no :candidate capability; use target: running");
        return hasCandidate && edit.Target != "running"
            ? await EditCandidateAsync(session, edit, config, options, check, ct).ConfigureAwait(false)
            : await EditRunningAsync(session, edit, config, options, check, ct).ConfigureAwait(false);
    }

    /// <summary>lock → discard-changes → edit-config → validate → diff running vs candidate → (confirmed) commit → unlock.
    /// Nothing is committed when the candidate equals running, or in check mode.</summary>
    private static async Task<SessionAnswer> EditCandidateAsync(INetconfSession session, NetconfEditConfig edit, XElement config,
        EditConfigOptions options, bool check, CancellationToken ct)
    {
        // Without a transaction name (a resumed job re-applying a change) nobody would confirm a confirmed commit.
        var strategy = edit.Transaction is null ? ConfigChangeKind.Candidate : CandidateStrategy(session, edit.Strategy);
        await session.LockAsync(NetconfDatastore.Candidate, ct).ConfigureAwait(false);
        var committed = false;
        try
        {
            await session.DiscardChangesAsync(ct).ConfigureAwait(false);
            await session.EditConfigAsync(NetconfDatastore.Candidate, config, options, ct).ConfigureAwait(false);
            if (session.Supports(NetconfCapabilities.Validate10) || session.Supports(NetconfCapabilities.Validate11))
            {
                await session.ValidateAsync(NetconfDatastore.Candidate, ct).ConfigureAwait(false);
                // netconfd 2.13 commits nothing after a validate and drops the edit: the validated edit goes in again, so
                // the candidate that is diffed and committed was edited after the last validate on every server.
                if (!check)
                {
                    await session.DiscardChangesAsync(ct).ConfigureAwait(false);
                    await session.EditConfigAsync(NetconfDatastore.Candidate, config, options, ct).ConfigureAwait(false);
                }
            }

            var running = await RunningAsync(session, ct).ConfigureAwait(false);
            var candidate = Canonical(await session.GetConfigAsync(NetconfDatastore.Candidate, null, ct).ConfigureAwait(false));
            var diff = ConfigText.HierarchyDiff(running, candidate);
            if (diff is null || check)
            {
                await session.DiscardChangesAsync(ct).ConfigureAwait(false);
                return new SessionAnswer(null, diff is not null, diff, check ? null : strategy);
            }

            string? persist = null;
            if (strategy == ConfigChangeKind.ConfirmedCommit)
            {
                persist = session.Supports(NetconfCapabilities.ConfirmedCommit11) ? edit.Transaction : null;
                var minutes = edit.ConfirmMinutes ?? Core.Playbooks.Play.DefaultConfirmMinutes;
                await session.CommitAsync(new ConfirmedCommit(TimeSpan.FromMinutes(minutes)) { Persist = persist }, ct).ConfigureAwait(false);
            }
            else
            {
                await session.CommitAsync(null, ct).ConfigureAwait(false);
            }

            committed = true;
            return new SessionAnswer(persist, true, diff, strategy);
        }
        catch when (!committed)
        {
            // Leave no half edit in the shared candidate for the next session; the original error is what the task reports.
            await BestEffort(() => session.DiscardChangesAsync(CancellationToken.None)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await BestEffort(() => session.UnlockAsync(NetconfDatastore.Candidate, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>The strategy a candidate change is made under: the play's or host's <c>transaction</c> mapped onto what the
    /// server has. <c>replace</c> (the device's own timed revert) needs <c>:confirmed-commit</c>.</summary>
    private static string CandidateStrategy(INetconfSession session, string? requested)
    {
        var confirmed = session.Supports(NetconfCapabilities.ConfirmedCommit10) || session.Supports(NetconfCapabilities.ConfirmedCommit11);
        return requested switch
        {
            "none" => "none",
            "merge" => ConfigChangeKind.Candidate,
            "replace" when !confirmed => throw new DeviceStateException(session.Device,
                "transaction 'replace' needs the server's :confirmed-commit capability, which it lacks; use transaction: merge"),
            _ => confirmed ? ConfigChangeKind.ConfirmedCommit : ConfigChangeKind.Candidate,
        };
    }

    /// <summary>Without a candidate: the running datastore is locked, read (the backup), edited and read again, the edit
    /// under rollback-on-error where the server has it so a rejected edit leaves nothing half done. Check mode cannot try
    /// an edit of running: the server validates it with test-only (where it has :validate:1.1) and NetFleet works out the
    /// diff from running and the edit (<see cref="NetconfPreview"/>).</summary>
    private static async Task<SessionAnswer> EditRunningAsync(INetconfSession session, NetconfEditConfig edit, XElement config,
        EditConfigOptions options, bool check, CancellationToken ct)
    {
        if (edit.Strategy == "replace")
            throw new DeviceStateException(session.Device,
                "transaction 'replace' needs a confirmed commit of the candidate (:candidate and :confirmed-commit), and this change edits running: use transaction: merge");
        if (check)
        {
            var validated = session.Supports(NetconfCapabilities.Validate11);
            if (validated)
                await session.EditConfigAsync(NetconfDatastore.Running, config, options with { TestOption = "test-only" }, ct).ConfigureAwait(false);
            var current = await session.GetConfigAsync(NetconfDatastore.Running, null, ct).ConfigureAwait(false);
            var preview = ConfigText.LineDiff(Canonical(current), Canonical(NetconfPreview.Apply(current, config, edit.DefaultOperation)));
            var how = validated
                ? "the server validated the edit with test-only; without a candidate the diff is NetFleet's preview of running after it"
                : "the server has no candidate and no test-only validation: the edit is not validated; the diff is NetFleet's preview of running after it";
            return new SessionAnswer("check mode: " + how, preview is not null, preview);
        }

        var strategy = edit.Strategy == "none" ? "none" : ConfigChangeKind.Running;
        if (options.ErrorOption is null && session.Supports(NetconfCapabilities.RollbackOnError))
            options = options with { ErrorOption = "rollback-on-error" };
        await session.LockAsync(NetconfDatastore.Running, ct).ConfigureAwait(false);
        try
        {
            var before = await RunningAsync(session, ct).ConfigureAwait(false);
            await session.EditConfigAsync(NetconfDatastore.Running, config, options, ct).ConfigureAwait(false);
            var after = await RunningAsync(session, ct).ConfigureAwait(false);
            var diff = ConfigText.HierarchyDiff(before, after);
            return new SessionAnswer(null, diff is not null, diff, strategy);
        }
        finally
        {
            await BestEffort(() => session.UnlockAsync(NetconfDatastore.Running, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>The confirming commit of a confirmed-commit change; with a persist token it names it, so it works from any
    /// session. Other strategies committed already.</summary>
    public static async Task<SessionAnswer> ConfirmAsync(INetconfSession session, NetconfConfirm confirm, CancellationToken ct)
    {
        if (confirm.Strategy == ConfigChangeKind.ConfirmedCommit)
        {
            if (session.Supports(NetconfCapabilities.ConfirmedCommit11))
                await session.RpcAsync(new XElement(NetconfXml.Base + "commit", new XElement(NetconfXml.Base + "persist-id", confirm.Transaction)), ct)
                    .ConfigureAwait(false);
            else
                await session.CommitAsync(null, ct).ConfigureAwait(false);
        }

        return new SessionAnswer(null, true, null, confirm.Strategy);
    }

    /// <summary>Back to the backup: cancel-commit of the pending confirmed commit where the server has it, else the backup
    /// itself replaces the configuration (through the candidate and a commit, or in running); then running is read back.</summary>
    public static async Task<SessionAnswer> RestoreAsync(INetconfSession session, NetconfRestore restore, CancellationToken ct)
    {
        var cancelled = false;
        if (restore.Strategy == ConfigChangeKind.ConfirmedCommit && session.Supports(NetconfCapabilities.ConfirmedCommit11))
        {
            try
            {
                await session.CancelCommitAsync(restore.Transaction, ct).ConfigureAwait(false);
                cancelled = true;
            }
            catch (NetconfRpcException)
            {
                // No such pending commit (it expired, or was confirmed): the backup is put back instead.
            }
        }

        var running = await RunningAsync(session, ct).ConfigureAwait(false);
        if (!cancelled && !ConfigText.Same(running, restore.Backup))
        {
            await ReplaceAsync(session, BackupElement(restore.Backup, running), ct).ConfigureAwait(false);
            running = await RunningAsync(session, ct).ConfigureAwait(false);
        }

        return new SessionAnswer(running, true, null, restore.Strategy);
    }

    private static async Task ReplaceAsync(INetconfSession session, XElement config, CancellationToken ct)
    {
        var replace = new EditConfigOptions { DefaultOperation = "replace" };
        if (!session.Supports(NetconfCapabilities.Candidate))
        {
            await session.EditConfigAsync(NetconfDatastore.Running, config, replace, ct).ConfigureAwait(false);
            return;
        }

        await session.LockAsync(NetconfDatastore.Candidate, ct).ConfigureAwait(false);
        try
        {
            await session.DiscardChangesAsync(ct).ConfigureAwait(false);
            await session.EditConfigAsync(NetconfDatastore.Candidate, config, replace, ct).ConfigureAwait(false);
            // Under confirmed-commit:1.0 this plain commit also confirms the pending one, with the backup's content.
            await session.CommitAsync(null, ct).ConfigureAwait(false);
        }
        finally
        {
            await BestEffort(() => session.UnlockAsync(NetconfDatastore.Candidate, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private static async Task<string> RunningAsync(INetconfSession session, CancellationToken ct) =>
        Canonical(await session.GetConfigAsync(NetconfDatastore.Running, null, ct).ConfigureAwait(false));

    /// <summary>Configuration as text for diffs and verification, without the metadata a server changes on every commit
    /// (Junos's <c>junos:commit-seconds</c>, <c>-localtime</c>, <c>-user</c>): a restored backup must read back equal.</summary>
    internal static string Canonical(XElement data)
    {
        var copy = new XElement(data);
        foreach (var stamp in copy.DescendantsAndSelf().Attributes()
                     .Where(a => a.Name.NamespaceName.StartsWith(JunosMetadata, StringComparison.Ordinal) && a.Name.LocalName.StartsWith("commit-", StringComparison.Ordinal))
                     .ToList())
        {
            stamp.Remove();
        }

        return NetconfText.Canonical(copy);
    }

    private const string JunosMetadata = "http://xml.juniper.net/junos/";

    /// <summary>The task's XML inside a base-namespace <c>config</c> element; the elements keep their own namespaces.</summary>
    internal static XElement ConfigElement(string content)
    {
        var config = XElement.Parse("<config>" + content + "</config>");
        if (config.Elements().Count() == 1 && config.Elements().Single() is { Name.LocalName: "config" } inner)
            config = new XElement(inner);
        config.Name = NetconfXml.Base + "config";
        return config;
    }

    /// <summary>A backup (canonical text of a get-config's data) as the config element that puts it back over
    /// <paramref name="running"/>. netconfd's default-operation replace replaces only the top-level nodes the config names
    /// and keeps the rest, so a top-level node the backup lacks (the change added it) is removed by name.</summary>
    private static XElement BackupElement(string backup, string running)
    {
        var kept = TopLevel(backup).ToList();
        var added = TopLevel(running).Where(now => kept.All(b => b.Name != now.Name))
            .Select(now => new XElement(now.Name, new XAttribute(NetconfXml.Base + "operation", "remove")));
        return new XElement(NetconfXml.Base + "config", kept, added);
    }

    private static IEnumerable<XElement> TopLevel(string config)
    {
        var data = XElement.Parse(config);
        return data.Name.LocalName == "data" ? data.Elements() : [data];
    }

    private static NetconfFilter? FilterOf(NetconfGet get)
    {
        if (get.XPath is { } xpath) return new NetconfFilter.XPath(xpath, get.Namespaces);
        if (get.Filter is not { } filter) return null;
        // Several top-level elements select several subtrees: they go inside one base-namespace filter element.
        var wrapper = XElement.Parse("<filter>" + filter + "</filter>");
        return new NetconfFilter.Subtree(new XElement(NetconfXml.Base + "filter", wrapper.Nodes()));
    }

    private static NetconfDatastore DatastoreOf(string source) => source switch
    {
        "candidate" => NetconfDatastore.Candidate,
        "startup" => NetconfDatastore.Startup,
        _ => NetconfDatastore.Running,
    };

    private static async Task BestEffort(Func<Task> cleanup)
    {
        try
        {
            await cleanup().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DeviceException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // Cleanup after a failure: the failure is what the task reports; a broken session is closed by its actor.
        }
    }
}
