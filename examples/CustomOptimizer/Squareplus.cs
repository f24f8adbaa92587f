using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// Squareplus (Barron 2021, "Squareplus: A Softplus-Like Algebraic Rectifier"): y = (x + √(x² + b)) / 2, a smooth
/// ReLU-like activation without exponentials, written as a custom autograd function. Forward saves x and √(x² + b);
/// backward uses dy/dx = (1 + x/√(x² + b)) / 2. <paramref name="b"/> &gt; 0 sets the curvature near 0 (default 4).
/// </summary>
public sealed class Squareplus(double b = 4) : Function
{
    /// <summary>The curvature hyperparameter b (&gt; 0).</summary>
    public double B { get; } = b > 0 ? b : throw new ArgumentOutOfRangeException(nameof(b), b, $"Squareplus: b must be > 0, got {b}.");

    /// <inheritdoc/>
    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        if (inputs.Length != 1)
            throw new ArgumentException($"Squareplus takes one input, got {inputs.Length}.", nameof(inputs));
        var x = inputs[0];
        var root = Tensor.Sqrt(x * x + B);
        ctx.SaveForBackward(x, root);
        return (x + root) * 0.5;
    }

    /// <inheritdoc/>
    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var (x, root) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!);
        return [gradOutput * ((x / root + 1) * 0.5)];
    }
}
