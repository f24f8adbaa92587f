using System.Collections.Concurrent;
using System.Text.Json;

namespace Descent.Tests.Fixtures;

/// <summary>
/// Locates and reads the PyTorch golden fixture files (tests/fixtures/README.md). The folder is
/// <c>DESCENT_FIXTURES</c> when set (e.g. the hidden set), else the copy next to the test assembly, else
/// tests/fixtures in the source tree. Case names are read at test discovery, so every case is its own test
/// whatever the folder holds.
/// </summary>
public static class FixtureFiles
{
    private static readonly ConcurrentDictionary<string, JsonDocument> Cache = new(StringComparer.Ordinal);

    /// <summary>The fixture folder in use.</summary>
    public static string Folder { get; } = Locate();

    /// <summary>Full path of fixture file <paramref name="fileName"/> (e.g. "optimizers.json").</summary>
    public static string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>The parsed file (cached for the test run).</summary>
    public static JsonElement Root(string fileName) =>
        Cache.GetOrAdd(fileName, f =>
        {
            var path = PathOf(f);
            if (!File.Exists(path))
                throw new FileNotFoundException($"Fixture file {path} not found (fixture folder: {Folder}).", path);
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }).RootElement;

    /// <summary>The <c>name</c> of every case in <paramref name="fileName"/>, in file order.</summary>
    public static IReadOnlyList<string> CaseNames(string fileName)
    {
        var names = new List<string>();
        foreach (var c in Root(fileName).GetProperty("cases").EnumerateArray())
            names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    /// <summary>The case named <paramref name="caseName"/> (throws when absent).</summary>
    public static JsonElement Case(string fileName, string caseName)
    {
        foreach (var c in Root(fileName).GetProperty("cases").EnumerateArray())
            if (c.GetProperty("name").GetString() == caseName)
                return c;
        throw new KeyNotFoundException($"{fileName} has no case named '{caseName}'.");
    }

    /// <summary>Theory data with one row per case name of <paramref name="fileName"/> (for <c>[MemberData]</c>).</summary>
    public static TheoryData<string> CaseData(string fileName)
    {
        var data = new TheoryData<string>();
        foreach (var name in CaseNames(fileName)) data.Add(name);
        return data;
    }

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("DESCENT_FIXTURES");
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (!Directory.Exists(env))
                throw new DirectoryNotFoundException($"DESCENT_FIXTURES='{env}' is not a directory.");
            return Path.GetFullPath(env);
        }
        var copied = Path.Combine(AppContext.BaseDirectory, "fixtures");
        if (File.Exists(Path.Combine(copied, "manifest.json")))
            return copied;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
                return candidate;
        }
        throw new DirectoryNotFoundException("No fixture folder: set DESCENT_FIXTURES or build the test project (it copies tests/fixtures).");
    }
}
