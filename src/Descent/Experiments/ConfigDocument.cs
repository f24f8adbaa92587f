using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Descent.Experiments;

/// <summary>Loads a YAML file (or text) into a located <see cref="ConfigNode"/> tree and applies <c>--set key=value</c> overrides.</summary>
public static class ConfigDocument
{
    /// <summary>Parses <paramref name="yaml"/>; <paramref name="file"/> is the name used in error messages.</summary>
    public static ConfigNode Parse(string yaml, string file, IEnumerable<string>? overrides = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // YamlDotNet's scanner throws InvalidOperationException (without a position) on an unclosed '[' or '{'.
            throw new ConfigException(YamlSyntaxError.Describe(yaml, file, e));
        }
        var root = stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" }) root = new YamlMappingNode();
        if (root is not YamlMappingNode map)
            throw new ConfigException($"{file}:{root.Start.Line}:{root.Start.Column}: the experiment must be a mapping of keys (name:, model:, data:, ...).");
        foreach (var o in overrides ?? []) ApplyOverride(map, o);
        return new ConfigNode(file, "", map);
    }

    // Nodes created by --set overrides, with their assignment, so errors can name it instead of a file position.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<YamlNode, string> Overrides = new();

    /// <summary>The <c>key=value</c> assignment that created <paramref name="node"/>, or null for a node read from a file.</summary>
    internal static string? OverrideOf(YamlNode node) => Overrides.TryGetValue(node, out var a) ? a : null;

    /// <summary>Reads and parses a file.</summary>
    public static ConfigNode Load(string path, IEnumerable<string>? overrides = null) => Parse(ReadFile(path, "Experiment"), path, overrides);

    /// <summary>
    /// The text of the YAML file <paramref name="path"/> (<paramref name="kind"/> names it in messages: "Experiment",
    /// "Study"). A file without a single key, empty or comments only, is refused: it would silently mean the defaults.
    /// </summary>
    public static string ReadFile(string path, string kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{kind} file not found: {path}", path);
        var text = File.ReadAllText(path);
        if (IsEmpty(text))
            throw new ConfigException($"{path}:1:1: the {kind.ToLowerInvariant()} file has no keys (it is empty or only comments); " +
                (kind == "Experiment" ? "write at least name: and the sections to change, or run descent train without a file for the default experiment."
                                      : "see docs/tuning.md for its sections."));
        return text;
    }

    private static bool IsEmpty(string yaml) =>
        yaml.Split('\n').All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#') || l.Trim() is "---" or "...");

    /// <summary>
    /// Applies <c>a.b.c=value</c>: the value is parsed as YAML (so <c>lr=1e-3</c>, <c>hidden=[64,32]</c> and
    /// <c>optimizer={name: sgd}</c> all work) and replaces or creates the key.
    /// </summary>
    public static void ApplyOverride(YamlMappingNode root, string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new ConfigException($"--set {assignment}: expected key=value (e.g. optimizer.lr=0.01).");
        var keys = assignment[..eq].Trim().Split('.');
        if (keys.Any(string.IsNullOrWhiteSpace)) throw new ConfigException($"--set {assignment}: empty key segment.");
        var valueStream = new YamlStream();
        try
        {
            valueStream.Load(new StringReader(assignment[(eq + 1)..]));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"--set {assignment}: invalid value: {e.InnerException?.Message ?? e.Message}");
        }
        YamlNode value = valueStream.Documents.Count == 0 ? new YamlScalarNode("") : valueStream.Documents[0].RootNode;
        foreach (var n in value.AllNodes) Overrides.AddOrUpdate(n, assignment);
        var node = root;
        for (int i = 0; i < keys.Length - 1; i++)
        {
            var k = new YamlScalarNode(keys[i]);
            if (!node.Children.TryGetValue(k, out var child) || child is not YamlMappingNode childMap)
            {
                if (child is YamlScalarNode s && s.Value is { Length: > 0 } shorthand)
                {
                    // "optimizer: adam" + "--set optimizer.lr=0.1" → optimizer: {name: adam, lr: 0.1}
                    childMap = new YamlMappingNode { { "name", shorthand } };
                }
                else childMap = new YamlMappingNode();
                node.Children[k] = childMap;
            }
            node = childMap;
        }
        node.Children[new YamlScalarNode(keys[^1])] = value;
    }
}
