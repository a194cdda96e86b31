using System.Text;
using Akka.Actor;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.Tests;

public sealed class JobJournalSerializerTests : IDisposable
{
    private readonly ActorSystem system = ActorSystem.Create("serializer-test", JobRunner.SystemConfig);

    /// <summary>The same shape as <see cref="JobJournal.DeviceChanged"/> under another CLR name: a rename in a later version.</summary>
    private sealed record ConfigurationChangedRenamed(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex,
        int ItemIndex, string Task, string Before, string After, string Diff);

    [Fact]
    public void Events_are_bound_to_the_journal_serializer_and_stored_without_clr_names()
    {
        var e = new JobJournal.DeviceChanged("j1", DateTimeOffset.UnixEpoch, "ios-1", 0, 1, 0, "Push", "a", "a\nb", "+ b");
        var serializer = system.Serialization.FindSerializerFor(e);
        Assert.IsType<JobJournalSerializer>(serializer);
        var bytes = serializer.ToBinary(e);
        Assert.Equal("device-changed.v1", ((JobJournalSerializer)serializer).Manifest(e));
        Assert.DoesNotContain("NetFleet", Encoding.UTF8.GetString(bytes));
        Assert.Equal(e, ((JobJournalSerializer)serializer).FromBinary(bytes, "device-changed.v1"));
    }

    [Fact]
    public void Drift_and_archive_commits_are_stored_under_their_own_manifests()
    {
        var serializer = new JobJournalSerializer((ExtendedActorSystem)system);
        var drift = new JobJournal.ConfigDrifted("j1", DateTimeOffset.UnixEpoch, "ios-1", "+x", "bob", DateTimeOffset.UnixEpoch, "archive 0123", "backup");
        var archived = new JobJournal.ConfigsArchived("j1", DateTimeOffset.UnixEpoch, "0123", ["ios-1", "eos-1"], ["ios-1"], ["ios-1"], null);
        Assert.Equal(("config-drifted.v1", "configs-archived.v1"), (serializer.Manifest(drift), serializer.Manifest(archived)));
        Assert.Equal(drift, serializer.FromBinary(serializer.ToBinary(drift), "config-drifted.v1"));
        var read = Assert.IsType<JobJournal.ConfigsArchived>(serializer.FromBinary(serializer.ToBinary(archived), "configs-archived.v1"));
        Assert.Equal(archived.Commit, read.Commit);
        Assert.Equal(archived.Devices, read.Devices);
        Assert.Equal(archived.Drifted, read.Drifted);
    }

    [Fact]
    public void Renamed_event_type_still_replays_from_its_manifest()
    {
        var written = new JobJournal.DeviceChanged("j1", DateTimeOffset.UnixEpoch, "ios-1", 0, 1, 0, "Push", "a", "a\nb", "+ b");
        var old = new JobJournalSerializer((ExtendedActorSystem)system);
        var bytes = old.ToBinary(written);
        var manifest = old.Manifest(written);

        var renamed = new JobJournalSerializer((ExtendedActorSystem)system, new Dictionary<string, Type> { [manifest] = typeof(ConfigurationChangedRenamed) });
        var read = Assert.IsType<ConfigurationChangedRenamed>(renamed.FromBinary(bytes, manifest));
        Assert.Equal(("ios-1", "a\nb", "+ b"), (read.Device, read.After, read.Diff));
    }

    [Fact]
    public void Unknown_manifest_is_an_error_that_names_it()
    {
        var serializer = new JobJournalSerializer((ExtendedActorSystem)system);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "nope.v9"));
        Assert.Contains("nope.v9", error.Message);
    }

    public void Dispose() => system.Dispose();
}
