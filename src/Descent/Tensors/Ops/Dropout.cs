using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014; PyTorch's <c>F.dropout</c>): in training each element is zeroed with
/// probability p and the survivors are scaled by 1/(1 − p), so evaluation needs no rescaling. The mask comes from a
/// <see cref="Generator"/> consumed sequentially, so a seed reproduces it on any machine and thread count (the
/// stream is not PyTorch's; only the distribution matches).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// An inverted-dropout scale mask of <paramref name="shape"/>: each element is 0 with probability
    /// <paramref name="p"/>, else 1/(1 − p). Elements are drawn in row-major order, two per 64-bit draw (32 bits
    /// each; an element survives when its 32 bits are below (1 − p)·2³²). p = 0 gives ones and p = 1 zeros, both
    /// without drawing.
    /// </summary>
    public static Tensor DropoutMask(Shape shape, double p, Generator? generator = null, DType dtype = DType.Float32)
    {
        RequireProbability("dropout", p);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"dropout: the mask dtype must be float32 or float64, got {dtype.TorchName()}.");
        var mask = Empty(shape, dtype);
        if (dtype == DType.Float32) FillMask(mask.Span<float>(), p, Generator.ThreadOverride ?? generator ?? Generator.Default);
        else FillMask(mask.Span<double>(), p, Generator.ThreadOverride ?? generator ?? Generator.Default);
        return mask;
    }

    /// <summary>
    /// Dropout: <paramref name="input"/> itself when not <paramref name="training"/> or p = 0; otherwise input · mask
    /// with a fresh <see cref="DropoutMask"/> (p = 1 gives zeros). The gradient is multiplied by the same mask.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        RequireProbability("dropout", p);
        input.RequireFloat("dropout");
        if (!training || p == 0) return input;
        var mask = DropoutMask(input.Shape, p, generator, input.DType);
        var o = Empty(input.Shape, input.DType);
        if (input.DType == DType.Float32) default(MultiplyKernel<float>).VV(input.Span<float>(), mask.Span<float>(), o.Span<float>());
        else default(MultiplyKernel<double>).VV(input.Span<double>(), mask.Span<double>(), o.Span<double>());
        if (NeedsGrad(input)) o.GradFn = new DropoutNode(input, mask);
        return o;
    }

    /// <summary>Dropout of this tensor (see <see cref="Dropout(Tensor, double, bool, Generator?)"/>).</summary>
    public Tensor Dropout(double p = 0.5, bool training = true, Generator? generator = null) => Dropout(this, p, training, generator);

    private static void RequireProbability(string op, double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{op}: probability has to be between 0 and 1, but got {p}.");
    }

    private static void FillMask<T>(Span<T> mask, double p, Generator generator) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (p == 0) { mask.Fill(T.One); return; }
        if (p == 1) { mask.Clear(); return; }
        T scale = T.CreateTruncating(1.0 / (1.0 - p));
        ulong threshold = (ulong)Math.Round((1.0 - p) * 4294967296.0);
        int i = 0;
        for (; i + 1 < mask.Length; i += 2)
        {
            ulong bits = generator.NextUInt64();
            mask[i] = (bits & 0xFFFFFFFFUL) < threshold ? scale : T.Zero;
            mask[i + 1] = (bits >> 32) < threshold ? scale : T.Zero;
        }
        if (i < mask.Length)
            mask[i] = (generator.NextUInt64() & 0xFFFFFFFFUL) < threshold ? scale : T.Zero;
    }

    private sealed class DropoutNode(Tensor input, Tensor mask) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink) => sink.Add(0, Mul(gradOutput, mask));
    }
}
