using System.Text;
using NetFleet.Lab.Terminal;

namespace NetFleet.Lab.Tests.Terminal;

/// <summary>
/// A terminal that types a script and records the screen. When interactive it echoes typed lines
/// and their Enter into the transcript as the lab host does, so a transcript reads like a real session.
/// </summary>
internal sealed class ScriptedTerminal(IEnumerable<string> input, bool interactive = true) : ITerminal
{
    private readonly Queue<string> input = new(input);
    private readonly StringBuilder screen = new();
    private readonly Lock gate = new();

    public bool Interactive { get; } = interactive;

    public string Transcript
    {
        get
        {
            lock (gate)
            {
                return screen.ToString();
            }
        }
    }

    public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => Read(echo: true);

    /// <summary>Like the host, a password is not echoed but its Enter is.</summary>
    public ValueTask<string?> ReadPasswordAsync(CancellationToken cancellationToken) => Read(echo: false);

    private ValueTask<string?> Read(bool echo)
    {
        lock (gate)
        {
            if (!input.TryDequeue(out var line))
            {
                return ValueTask.FromResult<string?>(null);
            }
            if (Interactive)
            {
                screen.Append(echo ? line switch { "\u001a" => "^Z", "\u0003" => "^C", _ => line } : "").Append('\n');
            }
            return ValueTask.FromResult<string?>(line);
        }
    }

    /// <summary>A key is the first character of the next scripted item.</summary>
    public ValueTask<char?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ValueTask.FromResult<char?>(input.TryDequeue(out var key) && key.Length > 0 ? key[0] : null);
        }
    }

    public ValueTask WriteAsync(string text, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            screen.Append(text);
        }
        return ValueTask.CompletedTask;
    }
}
