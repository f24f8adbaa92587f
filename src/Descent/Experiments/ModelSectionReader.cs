
using static Descent.Experiments.ExperimentConfigReader;

namespace Descent.Experiments;

/// <summary>
/// Reads the <c>model:</c> section: a preset (<c>model: mlp</c>, <c>{preset: mlp, hidden: [128]}</c>), <c>layers:</c>, or
/// <c>onnx: file.onnx</c> (an imported ONNX model, its path relative to the experiment file).
/// </summary>
internal static class ModelSectionReader
{
    public static ModelConfig Read(ConfigNode? node, string baseDir)
    {
        if (node is null) return new ModelConfig();
        if (node.IsScalar) return new ModelConfig { Preset = node.AsChoice([.. ModelPresets.Names]) };
        if (node.Get("onnx") is { } onnxNode)
        {
            foreach (var key in new[] { "preset", "name", "layers", "hidden", "dropout" })
                if (node.Get(key) is { } stray) throw stray.Error($"'{key}' does not apply to an imported ONNX model (model.onnx)");
            var onnx = new ModelConfig { Preset = null, Onnx = Path.GetFullPath(Path.Combine(baseDir, onnxNode.Text.Trim())), DType = node.Choice("dtype", "float32", "float32") };
            if (!File.Exists(onnx.Onnx)) throw onnxNode.Error($"ONNX file {onnx.Onnx} not found");
            node.RejectUnknownKeys();
            return onnx;
        }
        // "name" is accepted too: --set model.hidden=[64] on "model: mlp" turns it into {name: mlp, hidden: [64]}.
        var presetNode = node.Get("preset") ?? node.Get("name");
        var layersNode = node.Get("layers");
        var dtype = node.Choice("dtype", "float32", "float32", "float64");
        if (layersNode is not null && presetNode is not null)
            throw layersNode.Error("give either a preset or a list of layers, not both");
        ModelConfig config;
        if (layersNode is not null)
        {
            foreach (var key in new[] { "hidden", "dropout" })
                if (node.Get(key) is { } stray)
                    throw stray.Error($"'{key}' is an option of the presets; with a list of layers, write it in the layers");
            var items = layersNode.Items();
            if (items.Count == 0) throw layersNode.Error("the list of layers is empty");
            config = new ModelConfig { Preset = null, Layers = items.Select(ReadLayer).ToList(), DType = dtype };
        }
        else
        {
            string preset = presetNode?.AsChoice([.. ModelPresets.Names]) ?? "mlp";
            IReadOnlyList<int>? hidden = null;
            if (node.Get("hidden") is { } h)
            {
                if (preset is not ("mlp" or "mlp-bn")) throw h.Error($"'hidden' applies to the mlp and mlp-bn presets, not {preset}");
                var widths = h.AsInts();
                if (widths.Length == 0 || widths.Any(w => w < 1)) throw h.Error("expected a list of positive widths, e.g. [256, 128]");
                hidden = widths;
            }
            double dropout = Double(node, "dropout", 0, 0, 1, maxExclusive: true, only: preset is "lenet5" or "resnet-small" ? "mlp, mlp-bn and cnn-small" : null);
            config = new ModelConfig { Preset = preset, Hidden = hidden, Dropout = dropout, DType = dtype };
        }
        node.RejectUnknownKeys();
        return config;
    }

    private static LayerSpec ReadLayer(ConfigNode item)
    {
        string type;
        ConfigNode? args = null;
        if (item.IsScalar) type = item.Text.Trim().ToLowerInvariant();
        else if (item.IsMapping)
        {
            var keys = item.Keys.ToList();
            if (keys.Count != 1) throw item.Error($"a layer is one key (its type) with its options, e.g. '- linear: {{out: 256}}'; got {keys.Count} keys");
            type = keys[0].Trim().ToLowerInvariant();
            args = item.Get(keys[0]);
        }
        else throw item.Error("expected a layer such as '- relu' or '- linear: {out: 256}'");
        if (!LayerCatalog.Types.TryGetValue(type, out var def))
            throw item.Error($"unknown layer '{type}' (known: {string.Join(", ", LayerCatalog.Types.Keys)})");
        if (type == "residual") return ReadResidual(item, args);
        var options = new Dictionary<string, double>(StringComparer.Ordinal);
        if (args is not null && args.IsScalar)
        {
            if (def.Primary is null) throw args.Error($"{type} takes {(def.Options.Length == 0 ? "no options" : "a mapping of options, e.g. {" + string.Join(", ", def.Options.Select(o => o.Name + ": …")) + "}")}");
            options[def.Primary] = Value(args, def.Options.First(o => o.Name == def.Primary));
        }
        else if (args is not null)
        {
            foreach (var opt in def.Options)
                if (args.Get(opt.Name) is { } v) options[opt.Name] = Value(v, opt);
            if (def.Options.Length == 0 && args.Keys.Any()) throw args.Error($"{type} takes no options");
            args.RejectUnknownKeys();
        }
        foreach (var opt in def.Options)
        {
            if (options.ContainsKey(opt.Name)) continue;
            if (opt.Default is null) throw item.Error($"{type} needs '{opt.Name}'");
            if (!double.IsNaN(opt.Default.Value)) options[opt.Name] = opt.Default.Value;
        }
        return new LayerSpec(type, options) { Location = Location(item) };
    }

    /// <summary>
    /// <c>- residual: {layers: [...], shortcut: auto | identity | projection, activation: none | relu | ...}</c>: a skip
    /// connection around its own list of layers (which may hold residual entries too).
    /// </summary>
    private static LayerSpec ReadResidual(ConfigNode item, ConfigNode? args)
    {
        if (args is null || !args.IsMapping)
            throw (args ?? item).Error("residual takes a mapping: 'layers' (its own list of layers), optionally 'shortcut' " +
                $"({string.Join(" | ", LayerCatalog.Shortcuts)}, default auto) and 'activation' (none | {string.Join(" | ", LayerCatalog.Activations)}, default none)");
        var layersNode = args.Required("layers");
        var items = layersNode.Items();
        if (items.Count == 0) throw layersNode.Error("the residual's list of layers is empty");
        var body = items.Select(ReadLayer).ToList();
        var shortcut = args.Choice("shortcut", "auto", [.. LayerCatalog.Shortcuts]);
        LayerSpec? activation = null;
        if (args.Get("activation") is { } a && !(a.IsScalar && a.Text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            activation = ReadLayer(a);
            if (!LayerCatalog.Activations.Contains(activation.Type))
                throw a.Error($"'{activation.Type}' is not an activation; expected none or one of {string.Join(", ", LayerCatalog.Activations)}");
        }
        args.RejectUnknownKeys();
        return new LayerSpec("residual", new Dictionary<string, double>(StringComparer.Ordinal))
        {
            Location = Location(item), Body = body, Shortcut = shortcut, Activation = activation,
        };
    }

    private static double Value(ConfigNode node, LayerOption opt)
    {
        if (opt.IsBool) return node.AsBool() ? 1 : 0;
        double v = LayerCatalog.IsInteger(opt.Name) ? node.AsInt() : node.AsDouble();
        if (!(v >= opt.Min && v <= opt.Max))
            throw node.Error($"{opt.Name} must be {(opt.Max == double.MaxValue ? $"≥ {Fmt(opt.Min)}" : $"in [{Fmt(opt.Min)}, {Fmt(opt.Max)}]")}, got {Fmt(v)}");
        return v;
    }
}
