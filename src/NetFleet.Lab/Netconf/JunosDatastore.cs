using System.Globalization;
using System.Xml.Linq;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>The device a NETCONF session reached and the account it logged in with.</summary>
internal sealed record NetconfDevice(LabDevice Device, DeviceStateStore State, LabClock Clock, string Username, CommandLog Commands);

/// <summary>A NETCONF operation failed; its rpc-reply carries these errors.</summary>
internal sealed class NetconfFailure(IReadOnlyList<NetconfRpcError> errors)
    : Exception(string.Join("; ", errors.Select(e => e.ToString())))
{
    public NetconfFailure(NetconfRpcError error) : this([error])
    {
    }

    public IReadOnlyList<NetconfRpcError> Errors { get; } = errors;
}

/// <summary>
/// The Junos datastores as one NETCONF session sees them: the running configuration and the shared candidate
/// the CLI's <c>configure</c> edits, the same commit history, <c>commit confirmed</c> reverting on the lab clock.
/// </summary>
internal sealed class JunosDatastore(NetconfDevice device, ILabPlatform platform, NetconfRegistry registry, int session)
{
    private DeviceStateStore Store => device.State;

    private string Name => device.Device.Name;

    /// <summary>running or candidate, as Junos XML; a running configuration says who committed it when.</summary>
    public XElement Configuration(string source) => Store.Read(s =>
    {
        var xml = JunosXml.ToXml(JunosConfig.Parse(source == "running" ? s.RunningConfig : Candidate(s)));
        xml.Add(new XAttribute(XNamespace.Xmlns + "junos", JunosXml.Junos));
        if (source == "running" && s.Commits.Count > 0)
        {
            var last = s.Commits[0];
            xml.Add(new XAttribute(JunosXml.Junos + "commit-seconds", last.At.ToUnixTimeSeconds()),
                new XAttribute(JunosXml.Junos + "commit-localtime", last.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
                new XAttribute(JunosXml.Junos + "commit-user", last.User));
        }
        return xml;
    });

    public void Edit(XElement configuration, string defaultOperation, string testOption, string errorOption)
    {
        CheckUnlocked("candidate");
        var edit = Normalize(configuration);
        Store.Update(s =>
        {
            var before = Candidate(s);
            var xml = JunosXml.ToXml(JunosConfig.Parse(before));
            var editor = new NetconfEdit(xml, errorOption == "continue-on-error");
            editor.Apply(edit, defaultOperation);
            var errors = editor.Errors;
            var invalid = testOption == "set" ? [] : JunosValidation.Check(xml, device.Device.Faults, before);
            if (invalid.Count > 0 || (errors.Count > 0 && errorOption != "continue-on-error"))
            {
                throw new NetconfFailure([.. errors, .. invalid]);
            }
            if (testOption != "test-only")
            {
                s.Candidate = JunosXml.FromXml(xml).Render();
            }
            if (errors.Count > 0)
            {
                throw new NetconfFailure(errors);
            }
        });
    }

    /// <summary>Checks a datastore, or a configuration sent inline (<paramref name="inline"/>).</summary>
    public void Validate(string source, XElement? inline)
    {
        var (xml, baseline) = Store.Read(s => (
            inline is null ? JunosXml.ToXml(JunosConfig.Parse(source == "running" ? s.RunningConfig : Candidate(s))) : Normalize(inline),
            s.RunningConfig));
        if (JunosValidation.Check(xml, device.Device.Faults, baseline) is { Count: > 0 } errors)
        {
            throw new NetconfFailure(errors);
        }
    }

    /// <summary>
    /// commit, confirmed commit (RFC 6241 section 8.4; <paramref name="timeout"/> in device time) and the confirming
    /// commit. A follow-up confirmed commit keeps the configuration from before the first one as its revert target.
    /// <paramref name="minutes"/> counts device minutes (the lab clock's).
    /// </summary>
    public void Commit(bool confirmed, double minutes, string? persist, string? persistId, string comment)
    {
        CheckUnlocked("candidate");
        CheckUnlocked("running");
        Validate("candidate", null);
        var owner = registry.Confirmed(Name);
        var clock = device.Clock;
        var (pending, disarm) = Store.Update(s =>
        {
            if (s.PendingRevert is { } current && owner is not null && owner.RevertId == current.Id)
            {
                CheckConfirmingSession(owner, persistId);
            }
            else if (persistId is not null)
            {
                throw new NetconfFailure(Invalid($"no confirmed commit with persist id '{persistId}' is pending"));
            }
            var restore = s.PendingRevert?.RestoreConfig ?? s.RunningConfig;
            var previous = s.PendingRevert?.Id;
            s.PendingRevert = null;
            JuniperJunos.Commit(s, Candidate(s), device.Username, "netconf",
                confirmed ? string.Create(CultureInfo.InvariantCulture, $"commit confirmed, rollback in {Math.Ceiling(minutes)}mins") : comment,
                clock.Time.GetUtcNow());
            s.Candidate = null;
            if (confirmed)
            {
                s.PendingRevert = RevertTimers.Create(clock, minutes, restore);
            }
            return (s.PendingRevert, previous);
        });
        if (disarm is not null)
        {
            RevertTimers.Disarm(disarm);
        }
        registry.SetConfirmed(Name, pending is null ? null : new ConfirmedCommit(pending.Id, session, persist));
        if (pending is not null)
        {
            RevertTimers.Arm(Store, clock, pending, platform.Revert);
        }
    }

    /// <summary>cancel-commit: the pending confirmed commit reverts now.</summary>
    public void CancelCommit(string? persistId)
    {
        CheckUnlocked("running");
        var owner = registry.Confirmed(Name);
        var pending = Store.Update(s =>
        {
            if (s.PendingRevert is not { } current)
            {
                throw new NetconfFailure(new NetconfRpcError("application", "operation-failed", "error")
                {
                    Message = "no confirmed commit is pending",
                });
            }
            if (owner is not null && owner.RevertId == current.Id)
            {
                CheckConfirmingSession(owner, persistId);
            }
            s.PendingRevert = null;
            platform.Revert(s, current);
            return current;
        });
        RevertTimers.Disarm(pending.Id);
        registry.SetConfirmed(Name, null);
    }

    /// <summary>RFC 6241: without persist, a confirmed commit reverts when its session ends unconfirmed; true when
    /// this session's did.</summary>
    public bool SessionEnded()
    {
        if (registry.Confirmed(Name) is not { PersistId: null } owner || owner.Session != session)
        {
            return false;
        }
        var reverted = Store.Update(s =>
            {
            if (s.PendingRevert is not { } current || current.Id != owner.RevertId)
            {
                return false;
            }
            s.PendingRevert = null;
            platform.Revert(s, current);
            return true;
        });
        RevertTimers.Disarm(owner.RevertId);
        registry.SetConfirmed(Name, null);
        return reverted;
    }

    public void Discard()
    {
        CheckUnlocked("candidate");
        Store.Update(s => s.Candidate = null);
    }

    /// <summary>Junos <c>rollback N</c>: the candidate becomes commit N of the history.</summary>
    public void Rollback(int index)
    {
        CheckUnlocked("candidate");
        Store.Update(s =>
        {
            if (index < 0 || index >= s.Commits.Count)
            {
                throw new NetconfFailure(Invalid($"rollback {index} does not exist; the history holds {s.Commits.Count} commits"));
            }
            s.Candidate = s.Commits[index].Config;
        });
    }

    /// <summary>Junos load-configuration of set and delete lines (<c>action="set"</c>).</summary>
    public void LoadSet(string lines)
    {
        CheckUnlocked("candidate");
        Store.Update(s =>
        {
            var config = JunosConfig.Parse(Candidate(s));
            foreach (var line in lines.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                var words = CliToken.Split(line).Select(t => t.Text).ToList();
                if (words is ["set", _, ..])
                {
                    config.Set([], words.Skip(1).ToList());
                }
                else if (words is ["delete", ..])
                {
                    config.Delete([], words.Skip(1).ToList());
                }
                else
                {
                    throw new NetconfFailure(Invalid($"'{line}': only set and delete lines can be loaded"));
                }
            }
            var xml = JunosXml.ToXml(config);
            if (JunosValidation.Check(xml, device.Device.Faults, Candidate(s)) is { Count: > 0 } errors)
            {
                throw new NetconfFailure(errors);
            }
            s.Candidate = config.Render();
        });
    }

    public bool CandidateModified() => Store.Read(s => s.Candidate is { } c && c != s.RunningConfig);

    private static string Candidate(DeviceState state) => state.Candidate ?? state.RunningConfig;

    private void CheckUnlocked(string datastore)
    {
        if (registry.LockedByOther(Name, datastore, session) is { } holder)
        {
            throw new NetconfFailure(NetconfRegistry.InUse(datastore, holder));
        }
    }

    private void CheckConfirmingSession(ConfirmedCommit owner, string? persistId)
    {
        if (owner.PersistId is not null && persistId != owner.PersistId)
        {
            throw new NetconfFailure(Invalid(persistId is null
                ? "a confirmed commit with persist is pending: give its <persist-id>"
                : $"persist-id '{persistId}' does not name the pending confirmed commit"));
        }
        if (owner.PersistId is null && owner.Session != session)
        {
            throw new NetconfFailure(new NetconfRpcError("protocol", "in-use", "error")
            {
                Message = $"the pending confirmed commit belongs to NETCONF session {owner.Session}; only it can confirm or cancel it",
            });
        }
    }

    private static NetconfRpcError Invalid(string message) => new("protocol", "invalid-value", "error") { Message = message };

    /// <summary>The configuration in the Junos namespace whether the client wrote it with that namespace, none, or the
    /// base namespace it inherits from <c>&lt;config xmlns="…netconf:base:1.0"&gt;</c> (ncclient users write all three;
    /// Junos takes them). Another namespace is an error, since the lab models no other data model.</summary>
    public static XElement Normalize(XElement configuration)
    {
        var copy = new XElement(configuration);
        foreach (var element in copy.DescendantsAndSelf())
        {
            if (element.Name.Namespace != XNamespace.None && element.Name.Namespace != JunosXml.Xnm && element.Name.Namespace != NetconfXml.Base)
            {
                throw new NetconfFailure(new NetconfRpcError("application", "unknown-namespace", "error")
                {
                    Path = NetconfEdit.PathOf(element),
                    Message = $"namespace '{element.Name.NamespaceName}' is not one this device knows; use {JunosXml.Xnm.NamespaceName}, the base namespace or none",
                    Info = new XElement(NetconfXml.Base + "error-info",
                        new XElement(NetconfXml.Base + "bad-element", element.Name.LocalName),
                        new XElement(NetconfXml.Base + "bad-namespace", element.Name.NamespaceName)),
                });
            }
            element.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
            element.Name = JunosXml.Xnm + element.Name.LocalName;
        }
        return copy;
    }
}
