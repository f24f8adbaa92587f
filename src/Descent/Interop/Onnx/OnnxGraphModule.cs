using Descent.NN;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// An imported ONNX graph that is not a plain chain of layers (residual adds, LSTM state plumbing, decomposed
/// attention): Descent layers as children (trainable, prunable like any other), the graph's remaining float
/// initializers as parameters, and ONNX functions between them, run in the graph's topological order.
/// Like PyTorch's <c>torch.fx.GraphModule</c>, but built from ONNX.
/// </summary>
public sealed class OnnxGraphModule : Module
{
    private readonly List<OnnxStep> _steps;
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

    internal OnnxGraphModule(string inputName, string outputName, List<OnnxStep> steps,
        IReadOnlyDictionary<string, Tensor> constants, IReadOnlyList<(string OnnxName, string Name, Tensor Value)> parameters, long opset)
    {
        InputName = inputName;
        OutputName = outputName;
        Opset = opset;
        _steps = steps;
        foreach (var (onnxName, value) in constants) _values[onnxName] = value;
        foreach (var (onnxName, name, value) in parameters) _values[onnxName] = RegisterParameter(name, value);
        foreach (var s in steps)
            if (s.Layer is not null) RegisterModule(s.Name, s.Layer);
    }

    /// <summary>Name of the graph input.</summary>
    public string InputName { get; }

    /// <summary>Name of the graph output.</summary>
    public string OutputName { get; }

    /// <summary>The default-domain opset of the source graph (its functions follow that opset's semantics).</summary>
    public long Opset { get; }

    /// <summary>Steps in execution order.</summary>
    internal IReadOnlyList<OnnxStep> Steps => _steps;

    /// <summary>Constants and parameters by ONNX value name.</summary>
    internal IReadOnlyDictionary<string, Tensor> Values => _values;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var env = new Dictionary<string, Tensor>(_values, StringComparer.Ordinal) { [InputName] = input };
        foreach (var step in _steps)
        {
            var inputs = new Tensor?[step.Inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                if (step.Inputs[i].Length > 0) inputs[i] = env.TryGetValue(step.Inputs[i], out var v) ? v
                    : throw new InvalidOperationException($"ONNX step '{step.Name}': value '{step.Inputs[i]}' is not computed before it.");
            var outputs = step.Execute(inputs);
            for (int i = 0; i < step.Outputs.Length && i < outputs.Length; i++)
                if (step.Outputs[i].Length > 0) env[step.Outputs[i]] = outputs[i];
        }
        return env.TryGetValue(OutputName, out var y) ? y : throw new InvalidOperationException($"ONNX graph output '{OutputName}' was not computed.");
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"input={InputName}, output={OutputName}, steps={_steps.Count}, opset={Opset}";
}
