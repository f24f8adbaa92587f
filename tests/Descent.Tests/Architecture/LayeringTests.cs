using System.Text.RegularExpressions;

namespace Descent.Tests.Architecture;

/// <summary>
/// Each folder (layer) of src/Descent may import only the layers below it (docs/ARCHITECTURE.md §1).
/// Scans every source file's <c>using Descent.X</c> lines and fully qualified <c>Descent.X.</c> references.
/// The files directly in src/Descent (namespace <c>Descent</c>, e.g. <see cref="DescentInternalException"/>) are below
/// every layer: visible to all without a using, importing none. Sub-folders: <see cref="SubFolderCycleTests"/>.
/// </summary>
public partial class LayeringTests
{
    // Layer → layers it may import (transitively closed).
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Kernels"] = [],
        ["Tensors"] = ["Kernels"],
        ["Serialization"] = ["Kernels", "Tensors"],
        ["NN"] = ["Kernels", "Tensors", "Serialization"],
        ["Optim"] = ["Kernels", "Tensors", "Serialization"],
        ["Data"] = ["Kernels", "Tensors"],
        ["Training"] = ["Kernels", "Tensors", "Serialization", "NN", "Optim", "Data"],
        ["Compression"] = ["Kernels", "Tensors", "Serialization", "NN", "Optim", "Data", "Training"],
        ["Interop"] = ["Kernels", "Tensors", "Serialization", "NN"],
        ["Experiments"] = ["Kernels", "Tensors", "Serialization", "NN", "Optim", "Data", "Training", "Compression", "Interop"],
        ["Tuning"] = [],
        ["Search"] = ["Kernels", "Tensors", "Serialization", "NN", "Optim", "Data", "Training", "Compression", "Interop", "Experiments", "Tuning"],
        // The measurements behind `descent bench`, above what they measure.
        ["Benchmarks"] = ["Kernels", "Tensors", "Serialization", "NN", "Optim", "Data", "Training", "Compression", "Interop", "Experiments", "Tuning"],
        ["Reports"] = [],
    };

    [GeneratedRegex(@"\bDescent\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex Reference();

    public static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Descent.slnx")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "src", "Descent");
    }

    [Fact]
    public void EveryFolderIsAKnownLayer()
    {
        foreach (var folder in Directory.GetDirectories(SourceRoot()))
        {
            var name = Path.GetFileName(folder);
            if (name is "bin" or "obj") continue;
            Assert.True(Allowed.ContainsKey(name), $"src/Descent/{name} is not a layer listed in the layering table.");
        }
    }

    [Fact]
    public void NoLayerImportsALayerAboveIt()
    {
        var violations = new List<string>();
        foreach (var (layer, allowed) in Allowed)
        {
            var folder = Path.Combine(SourceRoot(), layer);
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    var line = lines[i];
                    var trimmed = line.TrimStart();
                    if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("namespace", StringComparison.Ordinal))
                        continue;
                    foreach (Match m in Reference().Matches(line))
                    {
                        var target = m.Groups[1].Value;
                        if (target == layer || !Allowed.ContainsKey(target) || allowed.Contains(target)) continue;
                        violations.Add($"{Path.GetRelativePath(SourceRoot(), file)}:{i + 1}: {layer} imports {target}");
                    }
                }
            }
        }
        Assert.True(violations.Count == 0, "Upward imports:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void RootFilesImportNoLayer()
    {
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(SourceRoot(), "*.cs", SearchOption.TopDirectoryOnly))
        {
            var code = SourceCode.StripCommentsAndStrings(File.ReadAllText(file));
            foreach (Match m in Reference().Matches(code))
                if (Allowed.ContainsKey(m.Groups[1].Value))
                    violations.Add($"{Path.GetFileName(file)}: imports {m.Groups[1].Value}");
        }
        Assert.True(violations.Count == 0, "Files in src/Descent's root must not import a layer:\n" + string.Join("\n", violations));
    }
}
