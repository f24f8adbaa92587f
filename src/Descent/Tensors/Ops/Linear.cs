using System.Numerics;
using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// The fused affine map behind the Linear layer (PyTorch's F.linear): y = x·Wᵀ + b as one autograd node. The
/// bias is written into the output first and the GEMM accumulates onto it (beta = 1); W is read through the
/// transpose flag, so neither direction makes a transposed copy or a separate bias-add pass.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// x·Wᵀ + b for <paramref name="input"/> [*, in], <paramref name="weight"/> [out, in] and an optional
    /// <paramref name="bias"/> [out]; the result is [*, out]. All operands share one float dtype.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        const string op = "linear";
        if (weight.Rank != 2)
            throw new ArgumentException($"{op}: weight must be 2-D [out_features, in_features], got {weight.Shape}.");
        if (input.Rank == 0)
            throw new ArgumentException($"{op}: input must have at least 1 dim [*, in_features], got a 0-D tensor.");
        string operands = $"{input.Shape} @ {weight.Shape}.T";
        RequireSameFloat(op, operands, input, weight);
        int outF = weight.Shape.Dims[0], inF = weight.Shape.Dims[1];
        if (input.Shape.Dims[^1] != inF)
            throw new ArgumentException($"{op}: {operands}: inner dims {input.Shape.Dims[^1]} != {inF}.");
        if (bias is not null)
        {
            RequireSameFloat(op, $"weight {weight.Shape} and bias {bias.Shape}", weight, bias);
            if (bias.Rank != 1 || bias.Shape.Dims[0] != outF)
                throw new ArgumentException($"{op}: bias {bias.Shape} does not match out_features {outF} of weight {weight.Shape}.");
        }

        var dims = input.Shape.ToArray();
        dims[^1] = outF;
        var o = Empty(Shape.Wrap(dims), input.DType);
        int rows = SizeProduct(input.Shape, 0, input.Rank - 1);
        if (input.DType == DType.Float32) LinearForward<float>(input, weight, bias, o, rows);
        else LinearForward<double>(input, weight, bias, o, rows);
        if (bias is null ? NeedsGrad(input, weight) : NeedsGrad([input, weight, bias]))
            o.GradFn = new LinearNode(input, weight, bias, rows);
        return o;
    }

    private static void LinearForward<T>(Tensor x, Tensor w, Tensor? b, Tensor o, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outF = w.Shape.Dims[0], inF = w.Shape.Dims[1];
        var os = o.Span<T>();
        if (b is not null) RunCopyKernels.Tile<T>(b.Span<T>(), os);
        BatchedGemm.Run(false, true, rows, outF, inF, T.One, x.Span<T>(), [], w.Span<T>(), [],
            b is null ? T.Zero : T.One, os, [], []);
    }

    private static void LinearBackward<T>(Tensor g, Tensor x, Tensor w, int rows, Tensor? gx, Tensor? gw, bool gwAccumulate,
        Tensor? gb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outF = w.Shape.Dims[0], inF = w.Shape.Dims[1];
        var gs = g.Span<T>();
        // dX = dY·W : [rows, out]·[out, in].
        if (gx is not null)
            BatchedGemm.Run(false, false, rows, inF, outF, T.One, gs, [], w.Span<T>(), [], T.Zero, gx.Span<T>(), [], []);
        // dW = dYᵀ·X : dY read through transA, no transposed copy; accumulated straight into the weight's gradient.
        if (gw is not null)
            BatchedGemm.Run(true, false, outF, inF, rows, T.One, gs, [], x.Span<T>(), [], gwAccumulate ? T.One : T.Zero,
                gw.Span<T>(), [], []);
        // db = Σ_rows dY.
        if (gb is not null)
            SumKernels.SumMiddle(gs, gb.Span<T>(), 1, rows, outF);
    }

    private sealed class LinearNode(Tensor input, Tensor weight, Tensor? bias, int rows)
        : Node(bias is null ? [input, weight] : [input, weight, bias])
    {
        public override string Name => "LinearBackward";

        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var gx = sink.NeedsGrad(0) ? Empty(input.Shape, g.DType) : null;
            // A parameter's gradient is written in place: GEMM beta 0 over a deferred-zero gradient, else beta 1.
            bool gwOverwrite = false, gbOverwrite = false;
            var gwLeaf = g.DType == weight.DType ? sink.LeafGrad(1, out gwOverwrite) : null;
            var gw = gwLeaf ?? (sink.NeedsGrad(1) ? Empty(weight.Shape, g.DType) : null);
            bool gwAccumulate = gwLeaf is not null && !gwOverwrite;
            // The row sum overwrites its output: straight into a deferred-zero bias gradient, else into a temporary.
            Tensor? gb = null, gbAddTo = null;
            bool gbInPlace = false;
            if (bias is not null && sink.NeedsGrad(2))
            {
                var leaf = g.DType == bias.DType ? sink.LeafGrad(2, out gbOverwrite) : null;
                gbInPlace = leaf is not null && gbOverwrite;
                gb = gbInPlace ? leaf : Empty(bias.Shape, g.DType);
                if (!gbInPlace) gbAddTo = leaf;
            }
            if (g.DType == DType.Float32) LinearBackward<float>(g, input, weight, rows, gx, gw, gwAccumulate, gb);
            else LinearBackward<double>(g, input, weight, rows, gx, gw, gwAccumulate, gb);
            if (gx is not null) sink.Add(0, gx);
            if (gw is not null && gwLeaf is null) sink.Add(1, gw);
            if (gbAddTo is not null) gbAddTo.AddInPlace(gb!);
            else if (gb is not null && !gbInPlace) sink.Add(2, gb);
        }
    }
}
