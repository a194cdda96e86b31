namespace NetFleet.Lab.Devices;

/// <summary>How an IOS device answers <c>enable</c>.</summary>
public enum IosEnable
{
    /// <summary><c>enable</c> asks <c>Password:</c> for the enable secret (the lab's default).</summary>
    Secret,

    /// <summary><c>enable</c> enters privileged EXEC at once (<c>aaa authentication enable default none</c>).</summary>
    None,

    /// <summary>The login account has privilege 15: the session starts at the <c>#</c> prompt.</summary>
    Privilege15,
}

/// <summary>
/// The IOS variants operators meet, per device (<c>capabilities:</c> in lab.yaml). Most of them only
/// decide the factory configuration; the CLI derives what it does from the running configuration
/// (an <c>archive</c> section with a path, an <c>enable secret</c>, a <c>banner motd</c>), so an
/// operator who configures the feature gets it, as on a real box. What the image cannot do
/// (<see cref="ConfigureReplace"/>, <see cref="Image"/>) stays fixed.
/// </summary>
public sealed record IosCapabilities
{
    public static readonly IosCapabilities Classic = new();

    public static readonly IReadOnlyList<string> Images = ["15.7", "12.4"];

    /// <summary>The factory configuration has <c>archive</c> with a <c>path</c>.</summary>
    public bool Archive { get; init; } = true;

    /// <summary>The image has the Configuration Replace and Rollback feature (<c>configure replace</c>,
    /// <c>configure confirm</c>). Without it and without <see cref="Archive"/>, the image has no
    /// archive commands at all; with <see cref="Archive"/> it is a 12.3(4)T-style image whose archive
    /// works but that predates <c>configure replace</c> (12.3(7)T).</summary>
    public bool ConfigureReplace { get; init; } = true;

    public IosEnable Enable { get; init; } = IosEnable.Secret;

    /// <summary>"15.7" (an ISR G2) or "12.4" (an ISR G1 with the older output and prompt style).</summary>
    public string Image { get; init; } = "15.7";

    /// <summary>A MOTD banner printed at login before the first prompt; null for none.</summary>
    public string? Motd { get; init; }

    /// <summary>How long <c>show running-config</c> takes before it answers.</summary>
    public int ShowRunningConfigMs { get; init; }

    /// <summary>The image has the archive commands (<c>archive</c>, <c>archive config</c>, <c>show archive</c>).</summary>
    public bool HasArchiveFeature => Archive || ConfigureReplace;

    public bool IsLegacyImage => Image == "12.4";

    /// <summary>What the factory configuration is made from (archive, enable, image, MOTD), to tell saved
    /// device state made for other capabilities; null for the classic device's.</summary>
    public string? Mark => this with { ConfigureReplace = true, ShowRunningConfigMs = 0 } == Classic
        ? null
        : $"archive={Archive} enable={Enable} image={Image} motd={Motd}";
}

/// <summary>Named sets of capabilities for <c>lab up --ios-variant</c>, so a benchmark or a demo needs no hand-written spec.</summary>
public static class IosVariants
{
    public const string Classic = "classic";
    public const string NoArchive = "no-archive";
    public const string Legacy = "legacy";
    public const string Privileged = "privileged-slow";

    /// <summary>Not a variant of its own: devices cycle through <see cref="MixedCycle"/>.</summary>
    public const string Mixed = "mixed";

    /// <summary>A banner of the kind that trips prompt detection: lines ending in <c>#</c> and <c>&gt;</c>.</summary>
    public const string LegacyMotd = """
        ##########################################
        #  Authorised access only               #
        ##########################################
        Disconnect now if you are not authorised >

        """;

    public static readonly IReadOnlyList<string> MixedCycle = [Classic, NoArchive, Legacy, Privileged];

    /// <summary>Every name <c>--ios-variant</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = [Classic, NoArchive, Legacy, Privileged, Mixed];

    public static IosCapabilities? Find(string name) => name switch
    {
        Classic => IosCapabilities.Classic,
        NoArchive => new IosCapabilities { Archive = false },
        Legacy => new IosCapabilities
        {
            Image = "12.4", ConfigureReplace = false, Archive = false, Enable = IosEnable.None,
            Motd = LegacyMotd.ReplaceLineEndings("\n"),
        },
        Privileged => new IosCapabilities { Enable = IosEnable.Privilege15, ShowRunningConfigMs = 800 },
        _ => null,
    };

    /// <summary>The variant device <paramref name="index"/> (counted among the IOS devices) gets.</summary>
    public static string ForDevice(string variant, int index) =>
        variant == Mixed ? MixedCycle[index % MixedCycle.Count] : variant;
}
