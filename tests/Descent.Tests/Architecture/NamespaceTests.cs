namespace Descent.Tests.Architecture;

/// <summary>
/// Every file's namespace is its folder path: src/Descent/Kernels/Optim/AdamKernel.cs is in <c>Descent.Kernels.Optim</c>,
/// src/Descent.Cli/Trace/TraceCommand.cs in <c>Descent.Cli.Trace</c>. The exceptions are the folders of
/// <see cref="Flat"/>, which only group files: theirs keep the namespace given there, for the reason given there.
/// </summary>
public class NamespaceTests
{
    private const string TorchNn =
        "PyTorch's torch.nn is one namespace (nn.Linear, nn.ReLU, nn.CrossEntropyLoss, nn.functional): `using Descent.NN;` gives all of it";

    private const string Tensor = "partial class Tensor: every part of a partial type must be in one namespace (the ops are Tensor's methods)";

    private const string Data = "one `using Descent.Data;` gives the loaders, readers, splits, synthetic sets and transforms, as torch.utils.data does";

    private const string Kernel =
        "one kernel family per folder; as namespaces, Gemm, Softmax, Embedding, Reduction and Transpose would shadow the " +
        "Gemm class and the NN types and Tensor methods of the same names for every caller inside Descent.Kernels";

    private const string Tuning =
        "Tuning is one API (Study, Trial, samplers, pruners, storages, distributions, importance) used by Search, the CLI and " +
        "users through `using Descent.Tuning;`; samplers, storages and pruners refer to each other's types throughout";

    /// <summary>Folders (relative to the project) whose files keep an enclosing folder's namespace, with the reason.</summary>
    private static readonly Dictionary<string, (string Namespace, string Why)> Flat = new(StringComparer.Ordinal)
    {
        ["src/Descent/Tensors/Ops"] = ("Descent.Tensors", Tensor),
        ["src/Descent/NN/Activations"] = ("Descent.NN", TorchNn),
        ["src/Descent/NN/Functional"] = ("Descent.NN", TorchNn),
        ["src/Descent/NN/Layers"] = ("Descent.NN", TorchNn),
        ["src/Descent/NN/Losses"] = ("Descent.NN", TorchNn),
        ["src/Descent/Data/Readers"] = ("Descent.Data", Data),
        ["src/Descent/Data/Splits"] = ("Descent.Data", Data),
        ["src/Descent/Data/Synthetic"] = ("Descent.Data", Data),
        ["src/Descent/Data/Transforms"] = ("Descent.Data", Data),
        ["src/Descent/Kernels/Conv"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Elementwise"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Embedding"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Gemm"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Indexing"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/MatMul"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Pooling"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Reduction"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Softmax"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Kernels/Transpose"] = ("Descent.Kernels", Kernel),
        ["src/Descent/Tuning/Benchmarks"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Distributions"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Importance"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Indicators"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Numerics"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Pruners"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Annealing"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/CmaEs"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Genetic"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Gp"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Nsga"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Qmc"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/SearchSpace"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Samplers/Tpe"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Storage"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Storage/Postgres"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Storage/Rdb"] = ("Descent.Tuning", Tuning),
        ["src/Descent/Tuning/Storage/Sqlite"] = ("Descent.Tuning", Tuning),
        ["src/Descent.Cli/Commands"] = ("Descent.Cli", "the commands sit beside Program, CliErrors and UserErrorException, which they all use"),
    };

    // Project folder → the namespace of its root.
    private static readonly (string Folder, string Namespace)[] Projects = [("src/Descent", "Descent"), ("src/Descent.Cli", "Descent.Cli")];

    [Fact]
    public void EveryFilesNamespaceIsItsFolderPath()
    {
        var wrong = new List<string>();
        foreach (var (project, rootNamespace) in Projects)
        {
            var root = Path.Combine(SourceCode.RepositoryRoot(), project);
            foreach (var file in SourceCode.Files(root))
            {
                string folder = Path.GetDirectoryName(Path.GetRelativePath(root, file))!.Replace('\\', '/');
                string key = folder.Length == 0 ? project : $"{project}/{folder}";
                string expected = Flat.TryGetValue(key, out var flat) ? flat.Namespace
                    : folder.Length == 0 ? rootNamespace : $"{rootNamespace}.{folder.Replace('/', '.')}";
                string? actual = SourceCode.Namespace(File.ReadAllText(file));
                if (actual != expected)
                    wrong.Add($"{project}/{Path.GetRelativePath(root, file).Replace('\\', '/')}: namespace {actual ?? "(none; use a file-scoped namespace)"}, expected {expected}");
            }
        }
        Assert.True(wrong.Count == 0, "Namespaces that do not match their folder (or the Flat table):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void EveryFlatFolderExistsAndIsJustified()
    {
        foreach (var (folder, (ns, why)) in Flat)
        {
            var path = Path.Combine(SourceCode.RepositoryRoot(), folder);
            Assert.True(SourceCode.Files(path).Any(f => Path.GetDirectoryName(f) == path), $"{folder} is in the Flat table but holds no .cs file.");
            Assert.False(string.IsNullOrWhiteSpace(why), $"{folder}: say why it keeps {ns}.");
            // The namespace kept must be an enclosing folder's.
            var project = Projects.Single(p => folder.StartsWith(p.Folder + "/", StringComparison.Ordinal));
            string enclosing = project.Namespace + "." + folder[(project.Folder.Length + 1)..].Replace('/', '.');
            Assert.True(ns == project.Namespace || enclosing.StartsWith(ns + ".", StringComparison.Ordinal), $"{folder}: {ns} is not an enclosing folder's namespace.");
        }
    }
}
