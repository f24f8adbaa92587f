using System.Reflection;
using System.Text.RegularExpressions;

namespace Descent.Tests.Architecture;

/// <summary>
/// Test classes that change process-wide state must run in a collection with <c>DisableParallelization = true</c>:
/// xunit v2 runs those collections one at a time after all parallel ones, so no other test can observe the change
/// (a determinism test would otherwise train twice with different kernel paths, or read another test's console).
/// Scans the test sources for the writes; a thread's own count goes through <c>ParallelFor.OverrideThreads</c>.
/// </summary>
public partial class GlobalStateTests
{
    [GeneratedRegex(@"KernelConfig\.Force\(|KernelConfig\.Simd\s*=[^=]|ParallelFor\.Threads\s*=[^=]|GemmBlocking\.MinParallelFlops\s*=[^=]|Conv2dKernels\.ColumnCacheLimit\s*=[^=]|Conv2dKernels\.Algorithm\s*=[^=]|new GemmSettings\(|Console\.Set(Out|Error|In)\(|Generator\.Default\.(ManualSeed|SetState)\(|Environment\.SetEnvironmentVariable\(")]
    private static partial Regex ProcessWideWrite();

    [GeneratedRegex(@"\bclass\s+([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ClassDeclaration();

    // Files whose matches change nothing, with the reason.
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        ["Kernels/ParallelForTests.cs"] = "assigns only 0, which throws before anything changes",
        ["Architecture/GlobalStateTests.cs"] = "this file: the patterns themselves",
    };

    private static string TestRoot() =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(LayeringTests.SourceRoot()))!, "tests", "Descent.Tests");

    [Fact]
    public void ClassesThatChangeProcessWideStateRunAlone()
    {
        var assembly = typeof(GlobalStateTests).Assembly;
        var typesByName = assembly.GetTypes().ToLookup(t => t.Name);
        var serial = SerialCollections(assembly);
        var root = TestRoot();
        var offenders = new List<string>();
        int checkedClasses = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)
                || Exempt.ContainsKey(relative))
                continue;
            var text = File.ReadAllText(file);
            if (!ProcessWideWrite().IsMatch(text))
                continue;
            foreach (Match m in ClassDeclaration().Matches(text))
            {
                foreach (var type in typesByName[m.Groups[1].Value].Where(IsTestClass))
                {
                    checkedClasses++;
                    string? collection = CollectionName(type);
                    if (collection is null || !serial.Contains(collection))
                        offenders.Add($"{relative}: {type.Name} is in {(collection is null ? "its own parallel collection" : $"collection '{collection}'")}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "Not in a DisableParallelization collection:\n" + string.Join('\n', offenders));
        // The scan found the known writers (SIMD forcing kernel tests, the GEMM settings, the console redirect).
        Assert.True(checkedClasses >= 10, $"only {checkedClasses} classes matched: the patterns no longer find the writers");
    }

    private static bool IsTestClass(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Any(m => m.IsDefined(typeof(FactAttribute), inherit: true));

    private static string? CollectionName(Type type) =>
        type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(CollectionAttribute))
            .Select(a => a.ConstructorArguments[0].Value as string).FirstOrDefault();

    private static HashSet<string> SerialCollections(Assembly assembly)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
            foreach (var a in type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute)))
                if (a.NamedArguments.Any(n => n.MemberName == nameof(CollectionDefinitionAttribute.DisableParallelization) && n.TypedValue.Value is true)
                    && a.ConstructorArguments.Count == 1 && a.ConstructorArguments[0].Value is string name)
                    names.Add(name);
        return names;
    }
}
