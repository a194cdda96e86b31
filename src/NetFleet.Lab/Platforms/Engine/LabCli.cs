using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// One session's CLI, the part every personality shares: the read, record, answer, prompt loop; a
/// command given on the ssh command line; paging; questions; timed reverts. A personality says what
/// its prompt and mode are and how a line is answered (through its command tables).
/// </summary>
internal abstract class LabCli(DeviceSession session, LabPlatform platform, Pager pager)
{
    public DeviceSession Session { get; } = session;
    public DeviceStateStore Store { get; } = session.State;
    public ITerminal Terminal { get; } = session.Terminal;
    public int ScreenLength { get; set; } = 24;

    /// <summary>Set when the session ends (exit, or the client closed its input at a question or pager).</summary>
    public bool Closed { get; set; }

    /// <summary>The mode as the command log names it (exec, privileged, config-if, operational, …).</summary>
    public abstract string ModeName { get; }

    public abstract string Prompt();

    /// <summary>What the device prints once before its first prompt (a banner).</summary>
    protected virtual string Greeting() => "";

    /// <summary>Answers the command given on the ssh command line (<c>ssh dev "show version"</c>).</summary>
    protected abstract Task ExecChannelAsync(string command, CancellationToken ct);

    /// <summary>Answers one line typed at the prompt; <paramref name="column"/> is where the line starts on the screen.</summary>
    protected abstract Task LineAsync(string line, int column, CancellationToken ct);

    /// <summary>What follows a line's answer: the prompt, by default.</summary>
    protected virtual string NextPrompt(string line) => Prompt();

    public async Task RunAsync(CancellationToken ct)
    {
        if (Session.ExecCommand is { } command)
        {
            Session.Commands.Record(ModeName, command);
            await ExecChannelAsync(command, ct);
            return;
        }
        await WriteAsync(Greeting() + Prompt(), ct);
        while (!Closed && await Terminal.ReadCommandAsync(ct) is { } line)
        {
            var prompt = Prompt();
            Session.Commands.Record(ModeName, line);
            // A prompt of two lines (Junos [edit]) leaves the line after its last one.
            await LineAsync(line, prompt.Length - prompt.LastIndexOf('\n') - 1, ct);
            if (!Closed)
            {
                await WriteAsync(NextPrompt(line), ct);
            }
        }
    }

    public Task WriteAsync(string text, CancellationToken ct) => Terminal.WriteAsync(text, ct).AsTask();

    /// <summary>Writes output a screen at a time; <paramref name="length"/> overrides the session's screen length.</summary>
    public async Task PageAsync(string text, CancellationToken ct, int? length = null) =>
        Closed |= !await pager.WriteAsync(Terminal, text, length ?? ScreenLength, ct);

    /// <summary>Asks a question and reads the answer; null (and the session ends) when the client closed its input.</summary>
    public async Task<string?> AskAsync(string question, CancellationToken ct, bool secret = false)
    {
        await WriteAsync(question, ct);
        var answer = secret ? await Terminal.ReadSecretAsync(ct) : await Terminal.ReadCommandAsync(ct);
        Closed |= answer is null;
        return answer;
    }

    /// <summary>Starts the timer of a change that reverts by itself unless confirmed.</summary>
    public void ArmRevert(PendingRevert pending) => RevertTimers.Arm(Store, Session.Clock, pending, platform.Revert);
}
