using System.Globalization;
using System.Text;
using Descent.Interop.Onnx.Protobuf;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// Builds the Descent model of one ONNX graph: constants are read, layer patterns fused (<see cref="OnnxPatterns"/>),
/// single nodes mapped to layers (<see cref="OnnxLayers"/>) or functions (<see cref="OnnxFunctions"/>), unused steps
/// dropped, and a pure chain of layers returned as a <see cref="Sequential"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly ModelProto _model;
    private readonly GraphProto _graph;
    private readonly long _opset;
    private readonly Dictionary<string, Tensor> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ranks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private readonly HashSet<OnnxNode> _fused = [];
    private readonly HashSet<string> _absorbed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stepNames = new(StringComparer.Ordinal);
    private readonly List<OnnxNode> _nodes;

    public OnnxGraphBuilder(ModelProto model)
    {
        _model = model;
        _graph = model.Graph;
        var domains = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        _opset = domains.Count > 0 ? domains.Max(o => o.Version) : 1;
        _nodes = [.. _graph.Node.Select((n, i) => new OnnxNode(n, i))];
    }

    internal long Opset => _opset;

    internal IReadOnlyDictionary<string, List<OnnxNode>> Consumers => _consumers;

    internal HashSet<string> GraphOutputs => _graphOutputs;

    public OnnxModel Build()
    {
        foreach (var init in _graph.Initializer)
            _initializers[init.Name] = OnnxTensorConverter.ToTensor(init, $"initializer '{init.Name}'");
        var inputs = _graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new OnnxImportException($"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); a Descent model takes exactly one.");
        if (_graph.Output.Count != 1)
            throw new OnnxImportException($"the graph has {_graph.Output.Count} outputs ({string.Join(", ", _graph.Output.Select(o => o.Name))}); a Descent model returns exactly one.");
        var input = inputs[0];
        var output = _graph.Output[0];
        _graphOutputs.Add(output.Name);
        var (inputShape, inputType) = Signature(input, "input");
        var (outputShape, _) = Signature(output, "output");
        _ranks[input.Name] = inputShape.Count;
        foreach (var (name, t) in _initializers) _ranks[name] = t.Rank;
        foreach (var node in _nodes)
        {
            if (node.Proto.Domain is not ("" or "ai.onnx"))
                throw node.Error($"operator domain '{node.Proto.Domain}' is not supported (only the default ONNX domain).");
            foreach (var i in node.Inputs.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(i, out var list)) _consumers[i] = list = [];
                list.Add(node);
            }
        }

        // Constants first: a pattern starting at one node looks at constants that appear later in the node order.
        foreach (var node in _nodes.Where(n => n.OpType == "Constant"))
        {
            _constants[node.Outputs[0]] = ConstantValue(node);
            _ranks[node.Outputs[0]] = _constants[node.Outputs[0]].Rank;
        }
        var steps = new List<OnnxStep>();
        foreach (var node in _nodes)
        {
            if (_fused.Contains(node) || node.OpType == "Constant") continue;
            var step = OnnxPatterns.TryFuse(this, node) ?? Single(node);
            steps.Add(step);
            foreach (var o in step.Outputs.Where(o => o.Length > 0)) _ranks.TryAdd(o, OnnxRanks.Infer(step, node, this) ?? -1);
        }
        steps = RemoveUnused(steps, output.Name);
        var model = Assemble(steps, input.Name, output.Name);
        model.Eval();
        var producer = $"{_model.ProducerName} {_model.ProducerVersion}".Trim();
        return new OnnxModel(model, input.Name, inputShape, inputType, output.Name, outputShape, _opset, producer);
    }

    /// <summary>The value of an initializer or Constant output, or null for a runtime value.</summary>
    public Tensor? Constant(string? name) =>
        name is null ? null : _initializers.TryGetValue(name, out var t) ? t : _constants.TryGetValue(name, out var c) ? c : null;

    /// <summary>Marks an initializer as owned by a layer (it is not a graph parameter then).</summary>
    public void Absorb(string? name)
    {
        if (name is not null) _absorbed.Add(name);
    }

    /// <summary>Marks a node as merged into a pattern's step.</summary>
    public void Fuse(OnnxNode node) => _fused.Add(node);

    /// <summary>The static rank of a value, or null when unknown.</summary>
    public int? Rank(string? name) => name is not null && _ranks.TryGetValue(name, out var r) && r >= 0 ? r : null;

    /// <summary>The only node reading <paramref name="value"/>, or null when it has several readers or is a graph output.</summary>
    public OnnxNode? SoleConsumer(string value) =>
        !_graphOutputs.Contains(value) && _consumers.TryGetValue(value, out var list) && list.Count == 1 ? list[0] : null;

    /// <summary>A unique child name for a step, from its weight's name (PyTorch's module path) or the node's name.</summary>
    public string StepName(OnnxNode node, string? weightName = null)
    {
        string basis = node.Name;
        if (weightName is not null && !weightName.StartsWith("onnx::", StringComparison.Ordinal) && weightName.EndsWith(".weight", StringComparison.Ordinal))
            basis = weightName[..^".weight".Length];
        var name = Sanitize(basis);
        var unique = name;
        for (int k = 1; !_stepNames.Add(unique); k++) unique = string.Create(CultureInfo.InvariantCulture, $"{name}_{k}");
        return unique;
    }

    /// <summary>A member name: ONNX value names with dots, slashes and colons as underscores.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name.TrimStart('/')) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        return sb.Length == 0 ? "value" : sb.ToString();
    }

    private OnnxStep Single(OnnxNode node)
    {
        if (node.OpType == "LSTM")
        {
            var lstm = OnnxLayers.Lstm(node, Constant);
            foreach (var i in new[] { 1, 2, 3 }) Absorb(node.Input(i));
            return new OnnxStep
            {
                // W, R and B live in the layer; the step reads X and the optional initial states only.
                Inputs = [.. node.Inputs.Select((v, i) => i is 1 or 2 or 3 ? "" : v)], Outputs = [.. node.Outputs], Name = StepName(node),
                Layer = lstm, Run = inputs => OnnxLayers.RunLstm(lstm, inputs),
            };
        }
        var layer = OnnxLayers.Create(node, Constant, Rank(node.Input(0)), _opset);
        if (layer is not null)
        {
            var weightName = node.OpType is "Conv" or "BatchNormalization" ? node.Input(1) : null;
            for (int i = 1; i < node.Inputs.Count; i++) Absorb(node.Input(i));
            return new OnnxStep { Inputs = [node.Inputs[0]], Outputs = [node.Outputs[0]], Name = StepName(node, weightName), Layer = layer };
        }
        if (!OnnxFunctions.Kernels.TryGetValue(node.OpType, out var kernel))
            throw node.Error($"operator {node.OpType} is not supported. Supported operators: {string.Join(", ", OnnxImporter.SupportedOperators)}.");
        long opset = _opset;
        return new OnnxStep
        {
            Inputs = [.. node.Inputs], Outputs = [.. node.Outputs], Name = StepName(node), Node = node,
            Run = inputs => kernel(node, inputs, opset),
        };
    }

    private Tensor ConstantValue(OnnxNode node)
    {
        if (node.TensorAttribute("value") is { } t) return t;
        if (node.Attributes.TryGetValue("value_float", out var f)) return Tensor.Scalar(f.F);
        if (node.Attributes.TryGetValue("value_floats", out var fs)) return Tensor.FromArray([.. fs.Floats]);
        if (node.Attributes.TryGetValue("value_int", out var i)) return Tensor.FromArray(new[] { i.I }, []);
        if (node.Attributes.TryGetValue("value_ints", out var iv)) return Tensor.FromArray([.. iv.Ints]);
        throw node.Error("has no supported value attribute (value, value_float(s), value_int(s)).");
    }

    private static List<OnnxStep> RemoveUnused(List<OnnxStep> steps, string output)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        var kept = new List<OnnxStep>();
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            var s = steps[i];
            if (!s.Outputs.Any(needed.Contains)) continue;
            kept.Add(s);
            foreach (var v in s.Inputs.Where(v => v.Length > 0)) needed.Add(v);
        }
        kept.Reverse();
        return kept;
    }

    private Module Assemble(List<OnnxStep> steps, string input, string output)
    {
        // A chain of one-input layers, each reading the previous one's output, is exactly a Sequential.
        bool chain = steps.Count > 0 && steps.All(s => s.IsPlainLayer);
        for (int i = 0; chain && i < steps.Count; i++)
            chain = steps[i].Inputs[0] == (i == 0 ? input : steps[i - 1].Outputs[0]);
        if (chain && steps[^1].Outputs[0] == output)
            return new Sequential([.. steps.Select(s => s.Layer!)]);

        var used = new HashSet<string>(steps.SelectMany(s => s.Inputs), StringComparer.Ordinal);
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var parameters = new List<(string, string, Tensor)>();
        var names = new HashSet<string>(steps.Select(s => s.Name), StringComparer.Ordinal);
        foreach (var (name, value) in _constants.Concat(_initializers))
        {
            if (!used.Contains(name) || _absorbed.Contains(name)) continue;
            // Float initializers with more than one element are weights (e.g. LayerNorm's γ and β after decomposition):
            // trainable parameters. Scalars and integer tensors are structure (shapes, indices, eps): constants.
            if (_initializers.ContainsKey(name) && value.DType.IsFloatingPoint() && value.Numel > 1)
            {
                var member = Sanitize(name);
                for (int k = 1; !names.Add(member); k++) member = string.Create(CultureInfo.InvariantCulture, $"{Sanitize(name)}_{k}");
                parameters.Add((name, member, value));
            }
            else constants[name] = value;
        }
        return new OnnxGraphModule(input, output, steps, constants, parameters, _opset);
    }

    private static (IReadOnlyList<int> Shape, DType Type) Signature(ValueInfoProto info, string what)
    {
        var tensorType = info.Type?.TensorType ?? throw new OnnxImportException($"graph {what} '{info.Name}' is not a tensor.");
        var dtype = OnnxTensorConverter.DTypeOf(tensorType.ElemType)
            ?? throw new OnnxImportException($"graph {what} '{info.Name}' has ONNX element type {tensorType.ElemType}, which is not supported.");
        var dims = tensorType.Shape?.Dim.Select(d => d.HasDimValue ? checked((int)d.DimValue) : -1).ToArray() ?? [];
        return (dims, dtype);
    }
}
