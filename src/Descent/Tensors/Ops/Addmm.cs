using System.Numerics;
using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>addmm: beta·input + alpha·(a @ b) in one GEMM whose output starts as the broadcast input.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// beta·<paramref name="input"/> + alpha·(<paramref name="a"/> @ <paramref name="b"/>) for 2-D a [m, k] and
    /// b [k, n]; <paramref name="input"/> broadcasts to [m, n]. With beta = 0 the input is ignored (NaN in it
    /// does not propagate), as in PyTorch.
    /// </summary>
    public static Tensor Addmm(Tensor input, Tensor a, Tensor b, double beta = 1, double alpha = 1)
    {
        const string op = "addmm";
        string operands = $"{a.Shape} @ {b.Shape}";
        if (a.Rank != 2 || b.Rank != 2)
            throw new ArgumentException($"{op}: {operands}: both matrices must be 2-D.");
        RequireSameFloat(op, operands, a, b);
        RequireSameFloat(op, $"input {input.Shape} and {operands}", input, a);
        int m = a.Shape.Dims[0], k = a.Shape.Dims[1], n = b.Shape.Dims[1];
        if (b.Shape.Dims[0] != k)
            throw new ArgumentException($"{op}: {operands}: inner dims {k} != {b.Shape.Dims[0]}.");
        var shape = new Shape(m, n);
        if (!Broadcasting.CanBroadcastTo(input.Shape, shape))
            throw new ArgumentException($"{op}: input {input.Shape} cannot be broadcast to the product's shape {shape}.");

        var o = Empty(shape, a.DType);
        if (beta != 0)
        {
            // Copy the (broadcast) input into the output; the GEMM then scales and accumulates onto it.
            using var _ = GradMode.Disable();
            if (input.Shape == shape) CopyElements(input, o);
            else CopyElements(input.Expand(shape), o);
        }
        if (a.DType == DType.Float32)
            BatchedGemm.Run(false, false, m, n, k, (float)alpha, a.Span<float>(), [], b.Span<float>(), [], (float)beta, o.Span<float>(), [], []);
        else
            BatchedGemm.Run(false, false, m, n, k, alpha, a.Span<double>(), [], b.Span<double>(), [], beta, o.Span<double>(), [], []);
        if (NeedsGrad([input, a, b])) o.GradFn = new AddmmNode(input, a, b, beta, alpha);
        return o;
    }

    /// <summary>beta·this + alpha·(a @ b).</summary>
    public Tensor Addmm(Tensor a, Tensor b, double beta = 1, double alpha = 1) => Addmm(this, a, b, beta, alpha);

    private static void AddmmBackward<T>(Tensor g, Tensor a, Tensor b, T alpha, Tensor? ga, Tensor? gb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Shape.Dims[0], k = a.Shape.Dims[1], n = b.Shape.Dims[1];
        if (ga is not null)
            BatchedGemm.Run(false, true, m, k, n, alpha, g.Span<T>(), [], b.Span<T>(), [], T.Zero, ga.Span<T>(), [], []);
        if (gb is not null)
            BatchedGemm.Run(true, false, k, n, m, alpha, a.Span<T>(), [], g.Span<T>(), [], T.Zero, gb.Span<T>(), [], []);
    }

    private sealed class AddmmNode(Tensor input, Tensor a, Tensor b, double beta, double alpha) : Node(input, a, b)
    {
        // d/dinput = beta·g (the engine sums it back to input's shape); dA = alpha·g·Bᵀ; dB = alpha·Aᵀ·g.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            if (sink.NeedsGrad(0)) sink.Add(0, beta == 1 ? g : Mul(g, beta));
            var ga = sink.NeedsGrad(1) ? Empty(a.Shape, g.DType) : null;
            var gb = sink.NeedsGrad(2) ? Empty(b.Shape, g.DType) : null;
            if (g.DType == DType.Float32) AddmmBackward(g, a, b, (float)alpha, ga, gb);
            else AddmmBackward(g, a, b, alpha, ga, gb);
            if (ga is not null) sink.Add(1, ga);
            if (gb is not null) sink.Add(2, gb);
        }
    }
}
