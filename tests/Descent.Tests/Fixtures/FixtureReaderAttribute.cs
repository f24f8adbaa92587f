namespace Descent.Tests.Fixtures;

/// <summary>
/// Marks a test class as the reader of fixture files (one data-driven test per case). The manifest test requires a reader
/// for every file the manifest lists, so a fixture family added to the folder without tests fails the suite instead of
/// being silently ignored.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class FixtureReaderAttribute(string fileName) : Attribute
{
    /// <summary>The fixture file (e.g. "optimizers.json") this class turns into tests.</summary>
    public string FileName { get; } = fileName;
}
