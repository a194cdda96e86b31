namespace NetFleet.Capture.Tests;

internal sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Path = Directory.CreateTempSubdirectory("netfleet-capture-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
