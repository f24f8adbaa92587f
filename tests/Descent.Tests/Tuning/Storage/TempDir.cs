namespace Descent.Tests.Tuning.Storage;

/// <summary>A fresh directory under the system temp directory, deleted (with its contents) on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix) => Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }        // a worker process still closing its file: the OS temp cleaner takes it
        catch (UnauthorizedAccessException) { }
    }
}
