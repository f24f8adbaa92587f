using Descent.Kernels.Activations;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// Stateless building blocks of the modules (PyTorch's <c>torch.nn.functional</c>). Activations here are single
/// fused autograd nodes over the SIMD kernels in <c>Kernels/Activations</c>.
/// </summary>
public static partial class Functional
{
    /// <summary>ReLU: max(x, 0), with ReLU'(0) = 0.</summary>
    public static Tensor Relu(Tensor x) => Activate(x, new ReluKernel<float>(), new ReluKernel<double>(), "relu");

    /// <summary>Leaky ReLU: x &gt; 0 ? x : slope·x (derivative at 0 is the slope, as in PyTorch).</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) =>
        Activate(x, new LeakyReluKernel<float>((float)negativeSlope), new LeakyReluKernel<double>(negativeSlope), "leaky_relu");

    /// <summary>ELU (Clevert et al. 2015): x &gt; 0 ? x : alpha·(exp(x) − 1).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1.0) =>
        Activate(x, new EluKernel<float>((float)alpha, 1f, 1f), new EluKernel<double>(alpha, 1, 1), "elu");

    /// <summary>PyTorch's SELU constants (Klambauer et al. 2017).</summary>
    public const double SeluAlpha = 1.6732632423543772848170429916717;

    /// <summary>PyTorch's SELU scale.</summary>
    public const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary>SELU: scale·(x &gt; 0 ? x : alpha·(exp(x) − 1)) with the self-normalizing constants.</summary>
    public static Tensor Selu(Tensor x) =>
        Activate(x, new EluKernel<float>((float)SeluAlpha, (float)SeluScale, 1f), new EluKernel<double>(SeluAlpha, SeluScale, 1), "selu");

    /// <summary>SiLU: x·σ(x).</summary>
    public static Tensor Silu(Tensor x) => Activate(x, new SiluKernel<float>(), new SiluKernel<double>(), "silu");

    /// <summary>Hardswish: x·relu6(x + 3)/6.</summary>
    public static Tensor Hardswish(Tensor x) => Activate(x, new HardswishKernel<float>(), new HardswishKernel<double>(), "hardswish");

    /// <summary>GELU with the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static Tensor GeluTanh(Tensor x) => Activate(x, new GeluTanhKernel<float>(), new GeluTanhKernel<double>(), "gelu");

    /// <summary>Exact GELU: x·Φ(x) = ½x(1 + erf(x/√2)).</summary>
    public static Tensor Gelu(Tensor x) => Activate(x, new GeluKernel<float>(), new GeluKernel<double>(), "gelu");

    /// <summary>Applies a pointwise kernel as one autograd node.</summary>
    internal static Tensor Activate<K32, K64>(Tensor x, K32 k32, K64 k64, string op)
        where K32 : struct, IActivationKernel<float>
        where K64 : struct, IActivationKernel<double>
    {
        ArgumentNullException.ThrowIfNull(x);
        x.RequireFloat(op);
        var y = Tensor.Empty(x.Shape, x.DType);
        if (x.DType == DType.Float32)
        {
            var (xa, xo) = x.Raw<float>();
            var (ya, yo) = y.Raw<float>();
            ActivationDriver.Forward<float, K32>(k32, xa, xo, ya, yo, x.Numel);
        }
        else
        {
            var (xa, xo) = x.Raw<double>();
            var (ya, yo) = y.Raw<double>();
            ActivationDriver.Forward<double, K64>(k64, xa, xo, ya, yo, x.Numel);
        }
        if (Tensor.NeedsGrad(x)) y.GradFn = new ActivationNode<K32, K64>(x, y, k32, k64, op);
        return y;
    }

    private sealed class ActivationNode<K32, K64>(Tensor x, Tensor y, K32 k32, K64 k64, string op) : Node(x)
        where K32 : struct, IActivationKernel<float>
        where K64 : struct, IActivationKernel<double>
    {
        public override string Name => op + "Backward";

        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var dx = Tensor.Empty(x.Shape, x.DType);
            if (x.DType == DType.Float32)
            {
                var (xa, xo) = x.Raw<float>();
                var (ya, yo) = y.Raw<float>();
                var (ga, go) = g.Raw<float>();
                var (da, dOff) = dx.Raw<float>();
                ActivationDriver.Backward<float, K32>(k32, xa, xo, ya, yo, ga, go, da, dOff, x.Numel);
            }
            else
            {
                var (xa, xo) = x.Raw<double>();
                var (ya, yo) = y.Raw<double>();
                var (ga, go) = g.Raw<double>();
                var (da, dOff) = dx.Raw<double>();
                ActivationDriver.Backward<double, K64>(k64, xa, xo, ya, yo, ga, go, da, dOff, x.Numel);
            }
            sink.Add(0, dx);
        }
    }
}
