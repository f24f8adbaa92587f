namespace Descent.Tests.Architecture;

/// <summary>
/// Inside a layer (and in the CLI), sibling folders must not depend on each other in a cycle (Tuning/Samplers vs
/// Tuning/Storage, Kernels/Gemm vs Kernels/Conv, …): each sibling group's dependencies form a DAG, so any folder can be
/// read, tested or moved with only the ones below it. Folders share namespaces, so dependencies are found by type name:
/// a file under one sibling that uses a type declared under another (<see cref="SourceCode.TypeReferences"/>).
/// </summary>
public class SubFolderCycleTests
{
    // Cycles kept on purpose: "A ↔ B" (siblings in ordinal order) → why. None today.
    private static readonly Dictionary<string, string> AllowedCycles = new(StringComparer.Ordinal);

    private sealed record Edge(string From, string To, string Evidence);

    private sealed record Project(string Name, string Root, bool RootIsLayered);

    private static readonly Project[] Projects =
    [
        // src/Descent's top folders are the layers (LayeringTests); their sub-folders are checked here.
        new("src/Descent", LayeringTests.SourceRoot(), RootIsLayered: true),
        new("src/Descent.Cli", Path.Combine(SourceCode.RepositoryRoot(), "src", "Descent.Cli"), RootIsLayered: false),
    ];

    [Fact]
    public void NoCyclesBetweenSiblingFolders()
    {
        var problems = new List<string>();
        foreach (var project in Projects)
        {
            var files = SourceCode.Files(project.Root).Select(f => Path.GetRelativePath(project.Root, f).Replace('\\', '/')).ToList();
            var code = files.ToDictionary(f => f, f => SourceCode.StripCommentsAndStrings(File.ReadAllText(Path.Combine(project.Root, f))));
            var edges = Edges(files, code, project.RootIsLayered);
            foreach (var cycle in Cycles(edges))
            {
                string key = string.Join(" ↔ ", cycle.Order(StringComparer.Ordinal));
                if (AllowedCycles.ContainsKey(key)) continue;
                var inCycle = edges.Where(e => cycle.Contains(e.From) && cycle.Contains(e.To)).GroupBy(e => (e.From, e.To));
                problems.Add($"{project.Name}: {key}\n" + string.Join("\n", inCycle.Select(g =>
                    $"    {g.Key.From} → {g.Key.To}: {string.Join(", ", g.Select(e => e.Evidence).Distinct().Take(6))}")));
            }
        }
        Assert.True(problems.Count == 0, "Sibling folders depend on each other in a cycle:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void NoTypeIsSplitAcrossSiblingFolders()
    {
        // A partial type spread over two siblings couples them in a way the type-name scan above cannot see.
        var problems = new List<string>();
        foreach (var project in Projects)
        {
            var declared = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var file in SourceCode.Files(project.Root))
            {
                string folder = Folder(Path.GetRelativePath(project.Root, file).Replace('\\', '/'));
                foreach (var type in SourceCode.DeclaredTypes(SourceCode.StripCommentsAndStrings(File.ReadAllText(file))))
                {
                    string key = $"{Layer(folder, project.RootIsLayered)}:{type}";
                    if (!declared.TryGetValue(key, out var set)) declared[key] = set = [];
                    set.Add(folder);
                }
            }
            foreach (var (type, folders) in declared)
                foreach (var a in folders)
                    foreach (var b in folders)
                        if (string.CompareOrdinal(a, b) < 0 && Siblings(a, b, project.RootIsLayered) is not null)
                            problems.Add($"{project.Name}: {type} is declared in both {a} and {b}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static List<Edge> Edges(List<string> files, Dictionary<string, string> code, bool rootIsLayered)
    {
        // Types by name within a layer (the project for the CLI); a name declared in several folders is ambiguous.
        var owners = new Dictionary<(string Layer, string Type), HashSet<string>>();
        foreach (var f in files)
            foreach (var type in SourceCode.DeclaredTypes(code[f]))
            {
                var key = (Layer(Folder(f), rootIsLayered), type);
                if (!owners.TryGetValue(key, out var set)) owners[key] = set = [];
                set.Add(Folder(f));
            }
        var edges = new List<Edge>();
        foreach (var f in files)
        {
            string folder = Folder(f), layer = Layer(folder, rootIsLayered);
            foreach (var (name, line) in SourceCode.TypeReferences(code[f]))
            {
                if (!owners.TryGetValue((layer, name), out var where) || where.Count != 1) continue;
                if (Siblings(folder, where.Single(), rootIsLayered) is { } pair)
                    edges.Add(new Edge(pair.A, pair.B, $"{f}:{line} {name}"));
            }
        }
        return edges;
    }

    private static string Folder(string file) => file.Contains('/', StringComparison.Ordinal) ? file[..file.LastIndexOf('/')] : "";

    private static string Layer(string folder, bool rootIsLayered) => rootIsLayered ? folder.Split('/')[0] : "";

    // The two sibling folders under the deepest common ancestor of a and b, or null when one contains the other
    // (parent and child may depend on each other) or, in a layered project, when they are in different layers.
    private static (string A, string B)? Siblings(string a, string b, bool rootIsLayered)
    {
        var pa = a.Length == 0 ? [] : a.Split('/');
        var pb = b.Length == 0 ? [] : b.Split('/');
        int k = 0;
        while (k < pa.Length && k < pb.Length && pa[k] == pb[k]) k++;
        if (k == pa.Length || k == pb.Length || (rootIsLayered && k == 0)) return null;
        return (string.Join('/', pa[..(k + 1)]), string.Join('/', pb[..(k + 1)]));
    }

    // Strongly connected components with more than one folder (Tarjan).
    private static List<List<string>> Cycles(List<Edge> edges)
    {
        var graph = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Distinct().ToList());
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        foreach (var n in nodes)
            if (!index.ContainsKey(n)) Visit(n);
        return result;

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v, []))
            {
                if (index.TryGetValue(w, out int seen))
                {
                    if (onStack.Contains(w)) low[v] = Math.Min(low[v], seen);
                }
                else
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                component.Add(x);
            }
            while (x != v);
            if (component.Count > 1) result.Add(component);
        }
    }
}
