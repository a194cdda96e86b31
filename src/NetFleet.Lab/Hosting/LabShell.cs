namespace NetFleet.Lab.Hosting;

/// <summary>Finds the NativeAOT session relay that sshd runs for every lab session.</summary>
public static class LabShell
{
    public const string FileName = "netfleet-lab-shell";
    public const string PublishCommand =
        "dotnet publish src/NetFleet.Lab.Shell -c Release -r linux-x64 -o artifacts/lab-shell";

    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("NETFLEET_LAB_SHELL");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? Path.GetFullPath(fromEnvironment)
                : throw new LabException($"NETFLEET_LAB_SHELL names {fromEnvironment}, which does not exist");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, FileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "lab-shell", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new LabException($"the lab's session program ({FileName}) is not built; from the repository root run: {PublishCommand}");
    }
}
