using Descent.NN;
using Descent.Tensors;

namespace Descent.Interop.Onnx;

/// <summary>
/// One step of an imported graph: a Descent layer applied to its first input (Linear, Conv2d, ReLU, ...), a layer with
/// an adapter for ONNX's multi-output form (LSTM), or a parameter-free ONNX function (Add, Reshape, Shape, ...).
/// </summary>
internal sealed class OnnxStep
{
    /// <summary>Value names read (an empty name is an omitted optional input).</summary>
    public required string[] Inputs { get; init; }

    /// <summary>Value names written.</summary>
    public required string[] Outputs { get; init; }

    /// <summary>Child name in the graph module (state-dict prefix).</summary>
    public required string Name { get; init; }

    /// <summary>The layer, or null for a function step.</summary>
    public Module? Layer { get; init; }

    /// <summary>How to compute the outputs; null for a plain layer (output 0 = layer(input 0)).</summary>
    public Func<Tensor?[], Tensor[]>? Run { get; init; }

    /// <summary>The ONNX node of a function step (exported again as it was read).</summary>
    public OnnxNode? Node { get; init; }

    /// <summary>True for a layer applied to its one input: a candidate for a plain <see cref="Sequential"/>.</summary>
    public bool IsPlainLayer => Layer is not null && Run is null && Inputs.Length == 1 && Outputs.Length == 1;

    /// <summary>Computes the outputs from the inputs.</summary>
    public Tensor[] Execute(Tensor?[] inputs)
    {
        if (Run is not null) return Run(inputs);
        var x = inputs[0] ?? throw new InvalidOperationException($"ONNX step '{Name}': input '{Inputs[0]}' has no value.");
        return [Layer!.Call(x)];
    }
}
