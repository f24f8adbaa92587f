using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// softmax and log_softmax along one dim (PyTorch's <c>F.softmax</c> / <c>F.log_softmax</c>), max-subtracted for
/// stability, one fused kernel per row (<see cref="SoftmaxKernels"/>). A row of −∞ gives NaN, as in PyTorch.
/// Both save their output for backward: softmax dx = y·(g − Σ g·y), log_softmax dx = g − exp(y)·Σ g.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, int dim) => SoftmaxForward(input, dim, log: false);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, int dim) => SoftmaxForward(input, dim, log: true);

    /// <summary>softmax of this tensor along <paramref name="dim"/>.</summary>
    public Tensor Softmax(int dim) => Softmax(this, dim);

    /// <summary>log_softmax of this tensor along <paramref name="dim"/>.</summary>
    public Tensor LogSoftmax(int dim) => LogSoftmax(this, dim);

    private static Tensor SoftmaxForward(Tensor input, int dim, bool log)
    {
        string op = log ? "log_softmax" : "softmax";
        input.RequireFloat(op);
        var (outer, size, inner) = SoftmaxLayout(input.Shape, dim, op);
        var y = Empty(input.Shape, input.DType);
        if (input.DType == DType.Float32)
            SoftmaxKernels.Forward<float>(input.KernelMemory<float>(), y.KernelMemory<float>(), outer, size, inner, log);
        else
            SoftmaxKernels.Forward<double>(input.KernelMemory<double>(), y.KernelMemory<double>(), outer, size, inner, log);
        if (NeedsGrad(input)) y.GradFn = new SoftmaxNode(input, y.Detach(), outer, size, inner, log);
        return y;
    }

    /// <summary>The [outer, size, inner] view of a shape around <paramref name="dim"/> (a 0-d tensor is one row of one).</summary>
    private static (int Outer, int Size, int Inner) SoftmaxLayout(Shape shape, int dim, string op)
    {
        int d = Shape.NormalizeDim(dim, Math.Max(shape.Rank, 1), op);
        if (shape.Rank == 0) return (1, 1, 1);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape.Dims[i];
        for (int i = d + 1; i < shape.Rank; i++) inner *= shape.Dims[i];
        return (outer, shape.Dims[d], inner);
    }

    private sealed class SoftmaxNode(Tensor input, Tensor output, int outer, int size, int inner, bool log) : Node(input)
    {
        public override string Name => log ? "LogSoftmaxBackward" : "SoftmaxBackward";

        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            var dx = Empty(input.Shape, input.DType);
            if (input.DType == DType.Float32)
                SoftmaxKernels.Backward<float>(output.KernelMemory<float>(), grad.KernelMemory<float>(), dx.KernelMemory<float>(), outer, size, inner, log);
            else
                SoftmaxKernels.Backward<double>(output.KernelMemory<double>(), grad.KernelMemory<double>(), dx.KernelMemory<double>(), outer, size, inner, log);
            sink.Add(0, dx);
        }
    }
}
