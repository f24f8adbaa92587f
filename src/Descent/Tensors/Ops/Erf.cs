using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>The error function (W. J. Cody's rational approximations, see <see cref="ErfKernel{T}"/>).</summary>
public sealed partial class Tensor
{
    private const double TwoOverSqrtPi = 1.1283791670955125738961589031215452;

    /// <summary>erf(x) = 2/√π ∫₀ˣ e^(−t²) dt elementwise.</summary>
    public static Tensor Erf(Tensor x)
    {
        var o = UnaryForward<ErfKernel<float>, ErfKernel<double>>(x, "erf");
        if (NeedsGrad(x)) o.GradFn = new ErfNode(x);
        return o;
    }

    /// <summary>erf(x) elementwise.</summary>
    public Tensor Erf() => Erf(this);

    private sealed class ErfNode(Tensor x) : Node(x)
    {
        // d erf/dx = 2/√π · e^(−x²).
        protected internal override void Backward(Tensor g, GradSink sink) =>
            sink.Add(0, Mul(g, Mul(Exp(Mul(Square(x), -1.0)), TwoOverSqrtPi)));
    }
}
