using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// The system account lab devices are logged into. sshd authenticates real Unix accounts, so the
/// lab creates one (as root) with a cheap password hash: the lab's budget is a few milliseconds of
/// CPU per login, and Debian's default yescrypt costs far more than that by design.
/// </summary>
internal static class LabAccount
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool ensured;

    public static async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (ensured)
            {
                return;
            }

            if (Environment.UserName != "root")
            {
                throw new LabException("the lab runs its own sshd and login account and needs root; run it as root (sudo)");
            }

            if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith(LabDefaults.Username + ":", StringComparison.Ordinal)))
            {
                await ProcessRunner.RunCheckedAsync(ProcessRunner.Which("useradd") ?? "useradd",
                    ["--system", "--create-home", "--home-dir", "/var/lib/" + LabDefaults.Username,
                     "--shell", "/bin/sh", "--comment", "NetFleet device lab", LabDefaults.Username],
                    cancellationToken: cancellationToken);
            }

            // SHA-512 with the minimum 1000 rounds: cheap enough for thousands of lab logins.
            await ProcessRunner.RunCheckedAsync(ProcessRunner.Which("chpasswd") ?? "chpasswd",
                ["--crypt-method", "SHA512", "--sha-rounds", "1000"],
                stdin: $"{LabDefaults.Username}:{LabDefaults.Password}\n", cancellationToken: cancellationToken);
            ensured = true;
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>vtysh talks to FRR's sockets only for members of FRR's group frrvty; the lab's routers land SSH sessions in vtysh.</summary>
    public static async Task EnsureVtyGroupAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        var group = File.ReadLines("/etc/group").FirstOrDefault(l => l.StartsWith("frrvty:", StringComparison.Ordinal))
            ?? throw new LabException("FRRouting is not installed (no group frrvty): apt-get install -y frr frr-pythontools");
        if (group.Split(':')[^1].Split(',').Contains(LabDefaults.Username))
        {
            return;
        }

        // usermod locks /etc/group: labs starting side by side in one process (test fixtures) take turns.
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (!File.ReadLines("/etc/group").Any(l => l.StartsWith("frrvty:", StringComparison.Ordinal)
                && l.Split(':')[^1].Split(',').Contains(LabDefaults.Username)))
            {
                await ProcessRunner.RunCheckedAsync(ProcessRunner.Which("usermod") ?? "usermod",
                    ["--append", "--groups", "frrvty", LabDefaults.Username], cancellationToken: cancellationToken);
            }
        }
        finally
        {
            Once.Release();
        }
    }
}
