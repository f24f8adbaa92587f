using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// The logistic family: sigmoid σ, tanh (= 2σ(2x) − 1) and softplus (whose derivative is σ), with fused
/// backward kernels for sigmoid and tanh computed from the saved output.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>σ(x) = 1/(1 + e^(−x)) elementwise; saturates cleanly to 0 and 1.</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var o = UnaryForward<SigmoidKernel<float>, SigmoidKernel<double>>(x, "sigmoid");
        if (NeedsGrad(x)) o.GradFn = new SigmoidNode(x, o.Detach());
        return o;
    }

    /// <summary>tanh x elementwise.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var o = UnaryForward<TanhKernel<float>, TanhKernel<double>>(x, "tanh");
        if (NeedsGrad(x)) o.GradFn = new TanhNode(x, o.Detach());
        return o;
    }

    /// <summary>
    /// PyTorch's softplus: log(1 + e^(β·x))/β, and x itself where β·x &gt; <paramref name="threshold"/>
    /// (for numerical stability).
    /// </summary>
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20)
    {
        if (!(beta > 0) && !(beta < 0))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"softplus: beta must be non-zero, got {beta} for input {x.Shape}.");
        var o = UnaryForward(x, "softplus",
            new SoftplusKernel<float>((float)beta, (float)threshold), new SoftplusKernel<double>(beta, threshold));
        if (NeedsGrad(x)) o.GradFn = new SoftplusNode(x, beta, threshold);
        return o;
    }

    /// <summary>σ(x) elementwise.</summary>
    public Tensor Sigmoid() => Sigmoid(this);

    /// <summary>tanh x elementwise.</summary>
    public Tensor Tanh() => Tanh(this);

    /// <summary>PyTorch's softplus (see <see cref="Softplus(Tensor, double, double)"/>).</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20) => Softplus(this, beta, threshold);

    private sealed class SigmoidNode(Tensor x, Tensor y) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, SameShapeBinary<SigmoidBackwardKernel<float>, SigmoidBackwardKernel<double>>(g, y));
    }

    private sealed class TanhNode(Tensor x, Tensor y) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, SameShapeBinary<TanhBackwardKernel<float>, TanhBackwardKernel<double>>(g, y));
    }

    private sealed class SoftplusNode(Tensor x, double beta, double threshold) : Node(x)
    {
        // PyTorch's softplus_backward: g·σ(β·x), and g unchanged where β·x > threshold.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var bx = Mul(x, beta);
            sink.Add(0, Where(Gt(bx, threshold), g, Mul(g, Sigmoid(bx))));
        }
    }
}
