using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Tensors;

namespace Descent.NN.Architecture;

/// <summary>
/// A model's layer structure with its current shapes, written next to the weights in a checkpoint so the model can be
/// rebuilt without the code or experiment file that made it — a pruned model (smaller layers than its config says),
/// a model changed by surgery, or a model with unstructured-pruning masks. PyTorch pickles the module classes for
/// this (and then needs the code to unpickle); Descent stores plain, versioned JSON of registered
/// <see cref="ModuleKinds"/>:
/// <code>{"format": "descent.architecture", "version": 1, "weights_prefix": "", "model": {"kind": "sequential",
///   "children": {"0": {"kind": "linear", "dtype": "float32", "options": {"in_features": 784, ...}, "masks": ["weight"]}, ...}}}</code>
/// <see cref="WeightsPrefix"/> says where the model's tensors are in the file ("model." in a training checkpoint).
/// </summary>
public sealed class ModelArchitecture
{
    /// <summary>Safetensors metadata key holding the architecture JSON.</summary>
    public const string MetadataKey = "descent.architecture";

    /// <summary>The format version this Descent writes; files of a newer version are refused with a clear message.</summary>
    public const int CurrentVersion = 1;

    private const string FormatName = "descent.architecture";

    private ModelArchitecture(ModuleDescription root, string weightsPrefix)
    {
        Root = root;
        WeightsPrefix = weightsPrefix;
    }

    /// <summary>The model's top module.</summary>
    public ModuleDescription Root { get; }

    /// <summary>Prefix of the model's tensor names in the file that holds the architecture ("" or e.g. "model.").</summary>
    public string WeightsPrefix { get; }

    /// <summary>This architecture with another <see cref="WeightsPrefix"/>.</summary>
    public ModelArchitecture WithWeightsPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new ModelArchitecture(Root, prefix);
    }

    /// <summary>Describes <paramref name="model"/> as it is now (its current shapes and masks).</summary>
    /// <exception cref="NotSupportedException">A module's type is not registered in <see cref="ModuleKinds"/>; the message names its path.</exception>
    public static ModelArchitecture Describe(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelArchitecture(DescribeModule(model, ""), "");
    }

    /// <summary>Like <see cref="Describe"/>, but returns false with the reason instead of throwing.</summary>
    public static bool TryDescribe(Module model, out ModelArchitecture? architecture, out string? reason)
    {
        try
        {
            architecture = Describe(model);
            reason = null;
            return true;
        }
        catch (NotSupportedException e)
        {
            architecture = null;
            reason = e.Message;
            return false;
        }
    }

    private static ModuleDescription DescribeModule(Module module, string path)
    {
        if (!ModuleKinds.TryDescribe(module, out var kind, out var options))
            throw new NotSupportedException(
                $"layer {Name(path)} is a {module.GetType().FullName}, which has no architecture description; register it with " +
                $"{nameof(ModuleKinds)}.{nameof(ModuleKinds.Register)} (kind name, describe, build) so checkpoints can rebuild it.");
        var children = module.NamedChildren().Select(c => (c.Name, DescribeModule(c.Module, path.Length == 0 ? c.Name : $"{path}.{c.Name}"))).ToList();
        var childNames = children.Select(c => c.Name + ".").ToList();
        DType? dtype = null;
        foreach (var (name, tensor) in module.NamedParameters().Concat(module.NamedBuffers()))
        {
            if (childNames.Any(c => name.StartsWith(c, StringComparison.Ordinal))) continue;   // a child's own
            if (tensor.DType is DType.Float32 or DType.Float64) { dtype = tensor.DType; break; }
        }
        return new ModuleDescription
        {
            Kind = kind,
            Options = options,
            DType = dtype,
            Children = children,
            Masks = [.. module.MaskedParameters],
        };
    }

    /// <summary>Builds a fresh model of this architecture (weights initialized from <paramref name="generator"/>, masks all ones).</summary>
    /// <param name="generator">Initialization, and the generator of dropout layers that had the model's own; default seed 0.</param>
    /// <param name="source">The file the architecture came from, for messages.</param>
    /// <exception cref="InvalidDataException">A kind is unknown or a module's options are invalid; the message names the module.</exception>
    public Module Build(Generator? generator = null, string source = "architecture") =>
        BuildModule(Root, "", generator ?? new Generator(0), source);

    private static Module BuildModule(ModuleDescription d, string path, Generator generator, string source)
    {
        string where = $"{source}: layer {Name(path)} ({d.Kind})";
        var children = d.Children.Select(c => (c.Name, BuildModule(c.Module, path.Length == 0 ? c.Name : $"{path}.{c.Name}", generator, source))).ToList();
        var build = ModuleKinds.Builder(d.Kind)
            ?? throw new InvalidDataException($"{where}: unknown module kind '{d.Kind}' (known: {string.Join(", ", ModuleKinds.Kinds)}); " +
                $"a module kind from outside Descent must be registered with {nameof(ModuleKinds)}.{nameof(ModuleKinds.Register)} before loading.");
        var options = new ModuleOptions(d.Options.Json, where);
        Module module;
        try
        {
            module = build(new ModuleBuildContext(where, path, options, d.DType ?? DType.Float32, children, generator));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}: cannot build it: {e.Message}", e);
        }
        var built = module.NamedChildren().Select(c => c.Name).ToList();
        if (!built.SequenceEqual(children.Select(c => c.Name)))
            throw new InvalidDataException($"{where}: the description lists children [{string.Join(", ", children.Select(c => c.Name))}], " +
                $"the built module has [{string.Join(", ", built)}].");
        foreach (var mask in d.Masks)
        {
            var parameter = module.NamedParameters().FirstOrDefault(p => p.Name == mask).Parameter
                ?? throw new InvalidDataException($"{where}: masked parameter '{mask}' does not exist.");
            if (!module.MaskableParameters.Contains(mask))
                throw new InvalidDataException($"{where}: parameter '{mask}' cannot carry a mask.");
            module.SetParameterMask(mask, Tensor.OnesLike(parameter));
        }
        return module;
    }

    private static string Name(string path) => path.Length == 0 ? "(the model)" : $"'{path}'";

    /// <summary>The architecture as JSON (what <see cref="MetadataKey"/> holds).</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = CurrentVersion,
            ["weights_prefix"] = WeightsPrefix,
            ["model"] = ToJsonNode(Root),
        };
        return root.ToJsonString();
    }

    private static JsonObject ToJsonNode(ModuleDescription d)
    {
        var node = new JsonObject { ["kind"] = d.Kind };
        if (d.DType is { } dtype) node["dtype"] = dtype == DType.Float64 ? "float64" : "float32";
        if (d.Options.Keys.Any()) node["options"] = d.Options.Json.DeepClone();
        if (d.Masks.Count > 0) node["masks"] = new JsonArray(d.Masks.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
        if (d.Children.Count > 0)
        {
            var children = new JsonObject();
            foreach (var (name, child) in d.Children) children[name] = ToJsonNode(child);
            node["children"] = children;
        }
        return node;
    }

    /// <summary>
    /// Reads an architecture written by <see cref="ToJson()"/>. Truncated or damaged JSON, a missing field, a newer version
    /// or a module without a kind throw one <see cref="InvalidDataException"/> naming <paramref name="source"/> and the field.
    /// </summary>
    public static ModelArchitecture Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: the architecture is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the architecture is corrupt (not valid JSON: {e.Message})", e);
        }
        try
        {
            if (root["format"]?.GetValue<string>() != FormatName)
                throw new InvalidDataException($"{source}: the architecture's 'format' is not '{FormatName}'.");
            int version = root["version"]?.GetValue<int>() ?? throw new InvalidDataException($"{source}: the architecture has no 'version'.");
            if (version < 1 || version > CurrentVersion)
                throw new InvalidDataException($"{source}: architecture version {version} is not supported (this Descent reads 1 to {CurrentVersion}); use a newer Descent.");
            var prefix = root["weights_prefix"]?.GetValue<string>() ?? "";
            var model = root["model"] as JsonObject ?? throw new InvalidDataException($"{source}: the architecture has no 'model'.");
            return new ModelArchitecture(ParseModule(model, "", source), prefix);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new InvalidDataException($"{source}: the architecture is corrupt: {e.Message}", e);
        }
    }

    private static ModuleDescription ParseModule(JsonObject node, string path, string source)
    {
        string where = $"{source}: layer {Name(path)}";
        var kind = node["kind"]?.GetValue<string>();
        if (string.IsNullOrEmpty(kind)) throw new InvalidDataException($"{where}: 'kind' is missing.");
        DType? dtype = node["dtype"]?.GetValue<string>() switch
        {
            null => null,
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            var other => throw new InvalidDataException($"{where}: dtype '{other}' is not float32 or float64."),
        };
        var options = node["options"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new InvalidDataException($"{where}: 'options' is not an object."),
        };
        var masks = node["masks"] switch
        {
            null => [],
            JsonArray a => a.Select(m => m?.GetValue<string>() ?? throw new InvalidDataException($"{where}: a mask name is null.")).ToList(),
            _ => throw new InvalidDataException($"{where}: 'masks' is not a list."),
        };
        var children = new List<(string, ModuleDescription)>();
        if (node["children"] is { } c)
        {
            if (c is not JsonObject obj) throw new InvalidDataException($"{where}: 'children' is not an object.");
            foreach (var (name, child) in obj)
            {
                if (child is not JsonObject childNode) throw new InvalidDataException($"{where}: child '{name}' is not an object.");
                children.Add((name, ParseModule(childNode, path.Length == 0 ? name : $"{path}.{name}", source)));
            }
        }
        return new ModuleDescription
        {
            Kind = kind,
            Options = new ModuleOptions(options, $"{where} ({kind})"),
            DType = dtype,
            Children = children,
            Masks = masks,
        };
    }

    /// <summary>The model in a few words for messages: its kinds with their main sizes, e.g. "sequential(linear 784→128, relu, linear 128→10)".</summary>
    public override string ToString() => Summary(Root, 0);

    private static string Summary(ModuleDescription d, int depth)
    {
        var o = d.Options;
        string self = d.Kind switch
        {
            "linear" when o.Has("in_features") => $"linear {o.Json["in_features"]}→{o.Json["out_features"]}",
            "conv2d" or "conv1d" when o.Has("in_channels") => $"{d.Kind} {o.Json["in_channels"]}→{o.Json["out_channels"]}",
            "batchnorm1d" or "batchnorm2d" when o.Has("num_features") => $"{d.Kind} {o.Json["num_features"]}",
            _ => d.Kind,
        };
        if (d.Children.Count == 0) return self;
        if (depth >= 3) return $"{self}(…)";
        return $"{self}({string.Join(", ", d.Children.Select(c => Summary(c.Module, depth + 1)))})";
    }
}
