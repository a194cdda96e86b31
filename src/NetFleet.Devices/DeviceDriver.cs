using System.Diagnostics;
using NetFleet.Devices.Channel;
using NetFleet.Devices.Platforms;
using NetFleet.Devices.Transport;

namespace NetFleet.Devices;

/// <summary>
/// The generic driver: privilege levels, commands and failure detection from a
/// <see cref="PlatformDefinition"/>, bytes through <see cref="ShellChannel"/> and <see cref="SshTransport"/>.
/// </summary>
public sealed class DeviceDriver : IDeviceDriver, IConfigSession
{
    private readonly DeviceConnectionOptions options;
    private SshTransport? transport;
    private ShellChannel? channel;
    private PrivilegeLevel? level;
    private string? broken;

    public DeviceDriver(DeviceConnectionOptions options, PlatformDefinition platform)
    {
        this.options = options;
        Platform = platform;
    }

    /// <summary>A driver for <see cref="DeviceConnectionOptions.Platform"/>.</summary>
    public static DeviceDriver Create(DeviceConnectionOptions options) =>
        new(options, PlatformCatalog.Find(options.Platform)
            ?? throw new DeviceStateException(options.DisplayName, $"unknown platform '{options.Platform}'; known: "
                + string.Join(", ", PlatformCatalog.All.Select(p => p.Name))));

    public string Device => options.DisplayName;
    public PlatformDefinition Platform { get; }
    public string? Prompt { get; private set; }
    public DeviceConnectionOptions Options => options;
    public string CurrentLevel => level?.Name ?? "unknown";

    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (transport is not null)
        {
            throw new DeviceStateException(Device, "already open");
        }

        var started = Stopwatch.GetTimestamp();
        transport = await SshTransport.ConnectAsync(options, cancellationToken);
        try
        {
            var shell = await transport.OpenShellAsync(511, 24, cancellationToken);
            channel = new ShellChannel(transport, shell, Device, Platform.Pager,
                [options.EnableSecret ?? "", options.Credentials.Password ?? ""]);
            var remaining = options.ConnectTimeout - Stopwatch.GetElapsedTime(started);
            await Guard("login", () => channel.ReadUntilAsync(Platform.AnyPrompt, "login", remaining, cancellationToken, afterNewline: false).AsTask());

            // A fresh prompt after a newline of our own: the exact prompt, and nothing of the banner left unread.
            channel.Write("\n", "login");
            var read = await Guard("login", () => channel.ReadUntilAsync(Platform.AnyPrompt, "login", options.CommandTimeout, cancellationToken).AsTask());
            Follow(read.Prompt);
            if (options.DisablePaging)
            {
                foreach (var command in Platform.OnOpenCommands)
                {
                    await SendAsync(command, options.CommandTimeout, cancellationToken, checkFailures: true);
                }
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task<CommandResult> RunCommandAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await EnterLevelAsync(Platform.CommandLevel, cancellationToken);
        var output = await SendAsync(command, timeout ?? options.CommandTimeout, cancellationToken, checkFailures: true);
        return new CommandResult(command, output, Stopwatch.GetElapsedTime(started));
    }

    public async Task<ConfigResult> ApplyConfigAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        EnsureUsable();
        var before = await ReadLineConfigAsync(cancellationToken);
        var pending = Platform.PendingLines(lines, before);
        if (pending.Count == 0)
        {
            return new ConfigResult(false, null) { Elapsed = Stopwatch.GetElapsedTime(started) };
        }

        var result = await Platform.ApplyConfigAsync(this, pending, cancellationToken);
        if (result.Diff is null)
        {
            // A platform without a diff of its own (IOS): the running configuration before and after is the diff.
            var diff = ConfigText.LineDiff(before, await ReadLineConfigAsync(cancellationToken));
            result = new ConfigResult(diff is not null, diff);
        }

        return result with { Elapsed = Stopwatch.GetElapsedTime(started) };
    }

    /// <summary>The running configuration in the form config lines are written in (the backup, and what is compared).</summary>
    private async Task<string> ReadLineConfigAsync(CancellationToken cancellationToken) =>
        (await RunCommandAsync(Platform.LineConfigCommand, null, cancellationToken)).Output;

    public async Task<string> GetRunningConfigAsync(CancellationToken cancellationToken = default) =>
        (await RunCommandAsync(Platform.RunningConfigCommand, null, cancellationToken)).Output;

    /// <summary>What the device offers for safe changes, probed on the first change of the session.</summary>
    public DeviceCapabilities? Capabilities { get; private set; }

    public async Task<ConfigResult> ApplyTransactionAsync(IReadOnlyList<string> lines, ConfigTransaction transaction,
        CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        EnsureUsable();
        var result = await ApplyUnderStrategyAsync(lines, transaction, cancellationToken);
        return result with { Elapsed = Stopwatch.GetElapsedTime(started) };
    }

    private async Task<ConfigResult> ApplyUnderStrategyAsync(IReadOnlyList<string> lines, ConfigTransaction transaction,
        CancellationToken cancellationToken)
    {
        // The backup, and what the change still lacks: a line already in the running configuration is not sent, and a
        // change that is all there enters no configuration mode at all.
        var before = transaction.Backup ?? await ReadLineConfigAsync(cancellationToken);
        var pending = Platform.PendingLines(lines, before);
        if (pending.Count == 0)
        {
            return new ConfigResult(false, null) { Strategy = transaction.Strategy };
        }

        Capabilities ??= await Platform.ProbeAsync(this, cancellationToken);
        var strategy = transaction.Strategy ?? Capabilities.Strongest;
        if (!Capabilities.Supports(strategy))
        {
            throw new TransactionUnsupportedException(Device, strategy, Capabilities.Missing[strategy]);
        }

        if (strategy == ConfigStrategy.Replace)
        {
            try
            {
                return await Platform.ApplyConfirmedAsync(this, pending, transaction, cancellationToken) with { Strategy = strategy };
            }
            catch (CommandRejectedException e) when (Platform.MissingCapability(e) is { } missing)
            {
                // The probe could not tell (e.g. an archive but no `configure replace` in the image); the device said so
                // before anything changed. Remembered for the session, so the next change does not ask again.
                Capabilities = Capabilities.Without(ConfigStrategy.Replace, missing);
                if (transaction.Strategy is not null) throw new TransactionUnsupportedException(Device, strategy, missing);
                strategy = Capabilities.Strongest;
            }
        }

        try
        {
            return await Platform.ApplyConfigAsync(this, pending, cancellationToken) with { Strategy = strategy };
        }
        catch (CommandRejectedException e) when (strategy == ConfigStrategy.Merge)
        {
            // Lines before the rejected one are live (configure terminal has no candidate): put the backup back and
            // say whether the device now holds it, so the device is never left half-configured without a word.
            await Platform.RestoreAsync(this, before, null, cancellationToken);
            var now = await ReadLineConfigAsync(cancellationToken);
            var restored = ConfigText.Same(now, before)
                ? "restored the backup taken before the change (verified: the running configuration equals it)"
                : "restored the backup taken before the change, but the running configuration differs from it:\n" + ConfigText.LineDiff(before, now);
            throw new CommandRejectedException(Device, e.Command, $"{e.DeviceMessage}; {restored}");
        }
    }

    public async Task ConfirmConfigAsync(ConfigTransaction transaction, CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        // A change resumed after a crash may not know its strategy: it was the strongest the device has.
        var strategy = transaction.Strategy ?? (Capabilities ??= await Platform.ProbeAsync(this, cancellationToken)).Strongest;
        // Only the replace strategy leaves the device waiting for a confirmation; a merged change is final as it is.
        if (strategy == ConfigStrategy.Replace)
        {
            await Platform.ConfirmAsync(this, transaction, cancellationToken);
        }
    }

    public async Task<string> RestoreConfigAsync(string backup, string? restorePoint, CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        await Platform.RestoreAsync(this, backup, restorePoint, cancellationToken);
        return await ReadLineConfigAsync(cancellationToken);
    }

    public Task CloseAsync(CancellationToken cancellationToken = default) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (channel is not null)
        {
            await channel.DisposeAsync();
            channel = null;
        }

        if (transport is not null)
        {
            await transport.DisposeAsync();
        }

        broken ??= "closed";
    }

    Task<string> IConfigSession.SendAsync(string line, CancellationToken cancellationToken, bool checkFailures) =>
        SendAsync(line, options.CommandTimeout, cancellationToken, checkFailures);

    public async Task EnterLevelAsync(string target, CancellationToken cancellationToken)
    {
        EnsureUsable();
        var goal = Platform.Level(target);
        if (level is null)
        {
            throw new DeviceStateException(Device, $"prompt '{Prompt}' matches no privilege level of {Platform.Name}");
        }

        // Up from the current level to the lowest common ancestor, then down to the goal.
        var down = Ancestry(goal);
        while (!down.Contains(level))
        {
            var from = level;
            if (from.Deescalate is null || from.Parent is null)
            {
                throw new DeviceStateException(Device, $"no way from {from.Name} to {target}");
            }

            await SendAsync(from.Deescalate, options.CommandTimeout, cancellationToken, checkFailures: true);
            if (level == from)
            {
                throw new PrivilegeEscalationException(Device, from.Parent, $"'{from.Deescalate}' left the device at '{Prompt}'");
            }
        }

        for (var i = down.IndexOf(level) - 1; i >= 0; i--)
        {
            await EscalateAsync(down[i], cancellationToken);
        }
    }

    private List<PrivilegeLevel> Ancestry(PrivilegeLevel leaf)
    {
        var chain = new List<PrivilegeLevel> { leaf };
        while (chain[^1].Parent is { } parent)
        {
            chain.Add(Platform.Level(parent));
        }

        return chain;
    }

    private async Task EscalateAsync(PrivilegeLevel to, CancellationToken cancellationToken)
    {
        var command = to.Escalate ?? throw new DeviceStateException(Device, $"{Platform.Name} has no command to enter {to.Name}");
        if (!to.AsksSecret)
        {
            await SendAsync(command, options.CommandTimeout, cancellationToken, checkFailures: true);
        }
        else
        {
            var promptOrSecret = Platform.PromptOrSecret(to);
            var ch = Channel();
            ch.Write(command + "\n", command);
            var read = await Guard(command, () => ch.ReadUntilAsync(promptOrSecret, command, options.CommandTimeout, cancellationToken).AsTask());
            var refusal = "";
            for (var attempt = 0; Platform.LevelOf(read.Prompt) is null && attempt < 3; attempt++)
            {
                // A wrong secret is asked for again: answer with empty lines until the device gives up.
                ch.Write((attempt == 0 ? options.EnableSecret ?? "" : "") + "\n", command);
                read = await Guard(command, () => ch.ReadUntilAsync(promptOrSecret, command, options.CommandTimeout, cancellationToken).AsTask());
                refusal = Platform.FindFailure(TerminalText.Clean(read.Output, null)) ?? LastWords(read.Output) ?? refusal;
            }

            Follow(read.Prompt);
            if (level != to)
            {
                throw new PrivilegeEscalationException(Device, to.Name, options.EnableSecret is null
                    ? "the device asks for an enable secret and none is configured"
                    : $"the enable secret was refused ({(refusal.Length > 0 ? refusal : "asked again")})");
            }
        }

        if (level != to)
        {
            throw new PrivilegeEscalationException(Device, to.Name, $"'{command}' left the device at '{Prompt}'");
        }
    }

    /// <summary>The last non-empty line, unless it could be an echoed secret.</summary>
    private string? LastWords(string raw)
    {
        var line = TerminalText.Render(raw).LastOrDefault(l => l.Trim().Length > 0)?.Trim();
        return line is null || (options.EnableSecret is { } secret && line.Contains(secret, StringComparison.Ordinal)) ? null : line;
    }

    private async Task<string> SendAsync(string command, TimeSpan timeout, CancellationToken cancellationToken, bool checkFailures)
    {
        var ch = Channel();
        ch.Write(command + "\n", command);
        var read = await Guard(command, () => ch.ReadUntilAsync(Platform.AnyPrompt, command, timeout, cancellationToken).AsTask());
        Follow(read.Prompt);
        var output = TerminalText.Clean(read.Output, command);
        if (Platform.PromptPreamble is { } preamble)
        {
            var cut = output.LastIndexOf('\n') + 1;
            if (preamble.IsMatch(output.AsSpan(cut)))
            {
                output = output[..Math.Max(0, cut - 1)].TrimEnd('\n');
            }
        }

        if (checkFailures && Platform.FindFailure(output) is { } failure)
        {
            throw new CommandRejectedException(Device, command, failure);
        }

        return output;
    }

    private void Follow(string prompt)
    {
        Prompt = prompt.TrimEnd();
        level = Platform.LevelOf(prompt);
    }

    private ShellChannel Channel()
    {
        EnsureUsable();
        return channel!;
    }

    private void EnsureUsable()
    {
        if (broken is not null)
        {
            throw new DeviceStateException(Device, $"the session is unusable: {broken}");
        }

        if (channel is null)
        {
            throw new DeviceStateException(Device, "not open; call OpenAsync first");
        }
    }

    /// <summary>A timeout or a drop leaves the shell in an unknown state: the session is not used again.</summary>
    private async Task<T> Guard<T>(string operation, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (DeviceTimeoutException e)
        {
            broken = e.Message;
            throw;
        }
        catch (DeviceConnectionDroppedException e)
        {
            broken = e.Message;
            throw;
        }
        catch (OperationCanceledException)
        {
            broken = $"'{operation}' was cancelled mid-read";
            throw;
        }
    }
}
