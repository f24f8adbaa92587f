using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Descent.Experiments;

/// <summary>
/// A node of a parsed YAML experiment file that knows where it came from (file, line, dotted key), so every
/// error says exactly what is wrong and where. Mappings track which keys were read; <see cref="RejectUnknownKeys"/>
/// then reports typos instead of silently ignoring them.
/// </summary>
public sealed class ConfigNode
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    internal ConfigNode(string file, string path, YamlNode node)
    {
        File = file;
        Path = path;
        Node = node;
    }

    /// <summary>File the node came from.</summary>
    public string File { get; }

    /// <summary>Dotted key of the node ("optimizer.lr", "model.layers[2]").</summary>
    public string Path { get; }

    internal YamlNode Node { get; }

    /// <summary>1-based line of the node.</summary>
    public long Line => Node.Start.Line;

    /// <summary>True for a mapping.</summary>
    public bool IsMapping => Node is YamlMappingNode;

    /// <summary>True for a sequence.</summary>
    public bool IsSequence => Node is YamlSequenceNode;

    /// <summary>True for a scalar.</summary>
    public bool IsScalar => Node is YamlScalarNode;

    /// <summary>The scalar text (throws for mappings/sequences).</summary>
    public string Text => Node is YamlScalarNode s ? s.Value ?? "" : throw Error($"expected a single value, got a {Kind(Node)}");

    /// <summary>True for a quoted scalar ('text' or "text"), which stays a string whatever it looks like.</summary>
    public bool IsQuoted => Node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted };

    /// <summary>The node as one line of flow-style YAML (<c>[256, 128]</c>, <c>{name: sgd, lr: 0.1}</c>).</summary>
    public string ToFlowYaml() => FlowYaml(Node);

    /// <summary>Keys of a mapping, in file order.</summary>
    public IEnumerable<string> Keys => AsMapping().Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "");

    /// <summary>The child under <paramref name="key"/>, or null. Marks the key as known.</summary>
    public ConfigNode? Get(string key)
    {
        var map = AsMapping();
        _used.Add(key);
        return map.Children.TryGetValue(new YamlScalarNode(key), out var child) && !IsNull(child)
            ? new ConfigNode(File, Join(key), child)
            : null;
    }

    /// <summary>The child under <paramref name="key"/>, or an error saying it is required.</summary>
    public ConfigNode Required(string key) => Get(key) ?? throw Error($"missing required key '{key}'");

    /// <summary>Items of a sequence.</summary>
    public IReadOnlyList<ConfigNode> Items()
    {
        if (Node is not YamlSequenceNode seq) throw Error($"expected a list, got a {Kind(Node)}");
        return seq.Children.Select((c, i) => new ConfigNode(File, $"{Path}[{i}]", c)).ToList();
    }

    /// <summary>A number under <paramref name="key"/> (or <paramref name="fallback"/>).</summary>
    public double Double(string key, double fallback) => Get(key)?.AsDouble() ?? fallback;

    /// <summary>An integer under <paramref name="key"/> (or <paramref name="fallback"/>).</summary>
    public int Int(string key, int fallback) => Get(key)?.AsInt() ?? fallback;

    /// <summary>A boolean under <paramref name="key"/> (or <paramref name="fallback"/>).</summary>
    public bool Bool(string key, bool fallback) => Get(key)?.AsBool() ?? fallback;

    /// <summary>A string under <paramref name="key"/> (or <paramref name="fallback"/>).</summary>
    public string String(string key, string fallback) => Get(key)?.Text ?? fallback;

    /// <summary>One of <paramref name="allowed"/> under <paramref name="key"/> (case-insensitive, normalized to lower case).</summary>
    public string Choice(string key, string fallback, params string[] allowed)
    {
        var node = Get(key);
        return node is null ? fallback : node.AsChoice(allowed);
    }

    /// <summary>This scalar as a number.</summary>
    public double AsDouble()
    {
        var t = Text.Trim();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        if (t is ".inf" or "inf") return double.PositiveInfinity;
        throw Error($"expected a number, got '{t}'");
    }

    /// <summary>This scalar as an integer.</summary>
    public int AsInt()
    {
        var t = Text.Trim();
        if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) return v;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
            return (int)d;
        throw Error($"expected an integer, got '{t}'");
    }

    /// <summary>This scalar as a boolean (true/false/yes/no/on/off).</summary>
    public bool AsBool() => Text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var t => throw Error($"expected true or false, got '{t}'"),
    };

    /// <summary>This scalar as one of <paramref name="allowed"/>.</summary>
    public string AsChoice(params string[] allowed)
    {
        var t = Text.Trim().ToLowerInvariant();
        if (allowed.Contains(t, StringComparer.Ordinal)) return t;
        throw Error($"'{Text}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>A list of numbers (a sequence, or a single number).</summary>
    public double[] AsDoubles() => IsSequence ? Items().Select(i => i.AsDouble()).ToArray() : [AsDouble()];

    /// <summary>A list of integers (a sequence, or a single integer).</summary>
    public int[] AsInts() => IsSequence ? Items().Select(i => i.AsInt()).ToArray() : [AsInt()];

    /// <summary>Throws for every key of this mapping that no one read (typos, unsupported options).</summary>
    public void RejectUnknownKeys()
    {
        if (Node is not YamlMappingNode map) return;
        foreach (var (k, v) in map.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (!_used.Contains(key))
                throw new ConfigException($"{Where(v)}: {Join(key)}: unknown key '{key}'" +
                    (_used.Count > 0 ? $" (known here: {string.Join(", ", _used.Order(StringComparer.Ordinal))})" : ""));
        }
    }

    /// <summary>An error located at this node.</summary>
    public ConfigException Error(string message) =>
        new($"{Where(Node)}: {(Path.Length == 0 ? "(root)" : Path)}: {message}");

    // A value given with --set has no place in the file: name the assignment instead of a line.
    private string Where(YamlNode node) => ConfigDocument.OverrideOf(node) is { } assignment
        ? $"--set {assignment}"
        : $"{File}:{node.Start.Line}:{node.Start.Column}";

    private YamlMappingNode AsMapping() =>
        Node as YamlMappingNode ?? throw Error($"expected a mapping of keys, got a {Kind(Node)}");

    private string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlNode n) => n is YamlScalarNode { Value: null or "~" or "null", Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted };

    private static string FlowYaml(YamlNode n) => n switch
    {
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(FlowYaml)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(kv => FlowYaml(kv.Key) + ": " + FlowYaml(kv.Value))) + "}",
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted } q =>
            "'" + (q.Value ?? "").Replace("'", "''", StringComparison.Ordinal) + "'",
        YamlScalarNode sc => sc.Value ?? "null",
        _ => n.ToString(),
    };

    private static string Kind(YamlNode n) => n switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };
}
