using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetFleet.Capture;

public enum NetworkNamespaceErrorKind
{
    /// <summary>No such name under /run/netns (or not a network namespace).</summary>
    Missing,

    /// <summary>Entering needs root or CAP_SYS_ADMIN.</summary>
    NotPermitted,

    /// <summary>The name is not a plain file name.</summary>
    BadName,
}

public sealed class NetworkNamespaceException(NetworkNamespaceErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public NetworkNamespaceErrorKind Kind { get; } = kind;
}

/// <summary>
/// Runs code inside a named network namespace, as <c>ip netns exec NAME</c> does for a process: a lab router's, so that
/// probes leave from its addresses and captures see its links.
/// </summary>
/// <remarks>
/// setns(CLONE_NEWNET) moves only the calling thread. So the function runs on a thread of its own that enters the
/// namespace, calls it, and goes back to the namespace it came from before it reports the result and ends: a thread
/// started from inside a namespace is born in it, and reporting may start thread-pool workers, which would then send
/// the whole process's traffic from a router's namespace. For the same reason the function must not start threads or
/// timers itself. The kernel binds a socket (an AF_PACKET capture handle too) to the namespace of the thread that
/// created it, so what the function creates keeps working in the namespace when other threads use it later.
/// </remarks>
public static partial class NetworkNamespace
{
    /// <summary>Where <c>ip netns add</c> puts its namespaces (bind mounts of the namespace files).</summary>
    public const string Directory = "/run/netns";

    private const int CloneNewNet = 0x40000000;
    private const int EPERM = 1;
    private const int EINVAL = 22;

    /// <summary>Why <paramref name="name"/> cannot name a namespace under /run/netns, or null when it can.</summary>
    public static string? Problem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "a network namespace needs a name"
        : name is "." or ".." || name.IndexOfAny(['/', '\0']) >= 0 || name.Any(char.IsWhiteSpace)
            ? $"'{name}' is not a network namespace name (a file name under {Directory}, as ip netns add makes them)"
        : null;

    /// <summary>The namespaces under /run/netns, sorted; empty when there are none.</summary>
    public static IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Calls <paramref name="function"/> on a new thread inside namespace <paramref name="name"/> and returns its result
    /// (or its exception). Throws <see cref="NetworkNamespaceException"/> when the namespace cannot be entered.
    /// </summary>
    public static Task<T> RunAsync<T>(string name, Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (Problem(name) is { } problem)
        {
            return Task.FromException<T>(new NetworkNamespaceException(NetworkNamespaceErrorKind.BadName, problem));
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            T result;
            try
            {
                using var home = File.OpenHandle(OwnNamespace, FileMode.Open, FileAccess.Read);
                using (var target = Open(name))
                {
                    Join(name, target);
                }

                try
                {
                    result = function();
                }
                finally
                {
                    GoHome(home);
                }
            }
            catch (Exception e)
            {
                done.SetException(e);
                return;
            }

            done.SetResult(result);
        })
        {
            IsBackground = true,
            Name = $"netns {name}",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The calling thread's own network namespace (not the process's: /proc/self is the main thread's).</summary>
    private const string OwnNamespace = "/proc/thread-self/ns/net";

    private static SafeFileHandle Open(string name)
    {
        try
        {
            return File.OpenHandle(Path.Combine(Directory, name), FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Missing(name, "does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw NotPermitted(name, e.Message, e);
        }
    }

    private static void Join(string name, SafeFileHandle target)
    {
        if (setns((int)target.DangerousGetHandle(), CloneNewNet) == 0)
        {
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            EPERM => NotPermitted(name, Marshal.GetPInvokeErrorMessage(errno)),
            // A leftover plain file where ip netns had its bind mount.
            EINVAL => Missing(name, "is not a network namespace"),
            _ => new NetworkNamespaceException(NetworkNamespaceErrorKind.Missing,
                $"cannot enter network namespace '{name}': {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }

    private static void GoHome(SafeFileHandle home)
    {
        if (setns((int)home.DangerousGetHandle(), CloneNewNet) != 0)
        {
            // Going back needs no more than coming in did, so this does not happen; if it did, any thread this one
            // started would silently move the node's own traffic into the router's namespace. Better to stop loudly.
            Environment.FailFast($"could not return to the node's own network namespace: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private static NetworkNamespaceException Missing(string name, string what, Exception? inner = null)
    {
        var present = List();
        return new NetworkNamespaceException(NetworkNamespaceErrorKind.Missing,
            $"network namespace '{name}' {what} ({Directory} has {(present.Count == 0 ? "none" : string.Join(", ", present))}); "
            + $"create it with 'ip netns add {name}' or name one that exists", inner);
    }

    private static NetworkNamespaceException NotPermitted(string name, string why, Exception? inner = null) =>
        new(NetworkNamespaceErrorKind.NotPermitted,
            $"entering network namespace '{name}' needs root or the CAP_SYS_ADMIN capability ({why})", inner);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
