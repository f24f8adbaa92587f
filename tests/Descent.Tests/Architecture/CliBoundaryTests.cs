using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace Descent.Tests.Architecture;

/// <summary>
/// The CLI holds no algorithms (docs/ARCHITECTURE.md), as far as a test can tell: src/Descent.Cli uses no tensor or kernel
/// math. Its sources never name <c>Descent.Kernels</c> or <c>Descent.Tensors</c> (nor <c>Kernels.</c>/<c>Tensors.</c>,
/// which resolve from inside <c>Descent.Cli</c>), and its compiled assembly references no type of those namespaces,
/// which also catches uses through <c>var</c> and return values. Measurements live in the library (Descent.Benchmarks).
/// </summary>
public partial class CliBoundaryTests
{
    private static readonly string[] Forbidden = ["Descent.Kernels", "Descent.Tensors"];

    [GeneratedRegex(@"(?<![\w.])(?:Descent\.)?(Kernels|Tensors)\b(?=\s*[.;])")]
    private static partial Regex KernelsOrTensors();

    [Fact]
    public void CliSourcesNameNoKernelsOrTensors()
    {
        var root = Path.Combine(SourceCode.RepositoryRoot(), "src", "Descent.Cli");
        var found = new List<string>();
        foreach (var file in SourceCode.Files(root))
        {
            var lines = SourceCode.StripCommentsAndStrings(File.ReadAllText(file)).Split('\n');
            for (int i = 0; i < lines.Length; i++)
                foreach (Match m in KernelsOrTensors().Matches(lines[i]))
                    found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        foreach (var project in Directory.EnumerateFiles(root, "*.csproj"))
            if (File.ReadAllText(project).Contains("Using Include=\"Descent.", StringComparison.Ordinal))
                found.Add($"{Path.GetFileName(project)}: global using of a Descent namespace");
        Assert.True(found.Count == 0, "The CLI uses tensor or kernel math (move it into the library):\n" + string.Join("\n", found));
    }

    [Fact]
    public void CliAssemblyReferencesNoKernelOrTensorType()
    {
        var path = typeof(Descent.Cli.Program).Assembly.Location;
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var referenced = metadata.TypeReferences
            .Select(h => metadata.GetTypeReference(h))
            .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")
            .Where(name => Forbidden.Any(ns => name.StartsWith(ns + ".", StringComparison.Ordinal)))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        // The scan must see the library at all: the CLI references Descent types from other namespaces.
        Assert.Contains(metadata.TypeReferences, h => metadata.GetString(metadata.GetTypeReference(h).Namespace).StartsWith("Descent.Tuning", StringComparison.Ordinal));
        Assert.True(referenced.Count == 0, "Descent.Cli.dll references kernel or tensor types:\n" + string.Join("\n", referenced));
    }
}
