using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// Variance and standard deviation over all elements or along dims, with Bessel's correction when
/// <c>unbiased</c> (divisor n − 1; PyTorch's default). Two passes (mean, then squared deviations) for accuracy.
/// Gradients follow PyTorch's var_backward / std_backward (std's is 0 where std = 0).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Variance of all elements (0-d).</summary>
    public Tensor Var(bool unbiased = true) => VarStd([], unbiased, false, false);

    /// <summary>Variance along <paramref name="dim"/>.</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => VarStd([dim], unbiased, keepDim, false);

    /// <summary>Variance along several dims (all when empty).</summary>
    public Tensor Var(int[] dims, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased, keepDim, false);

    /// <summary>Standard deviation of all elements (0-d).</summary>
    public Tensor Std(bool unbiased = true) => VarStd([], unbiased, false, true);

    /// <summary>Standard deviation along <paramref name="dim"/>.</summary>
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false) => VarStd([dim], unbiased, keepDim, true);

    /// <summary>Standard deviation along several dims (all when empty).</summary>
    public Tensor Std(int[] dims, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased, keepDim, true);

    private Tensor VarStd(int[] dims, bool unbiased, bool keepDim, bool std)
    {
        string op = std ? "std" : "var";
        RequireFloat(op);
        var reduce = NormalizeDims(dims, Rank, op);
        int n = ReducedCount(Shape, reduce);
        // PyTorch divides by max(0, n − correction): one element with correction gives 0/0 = NaN.
        double divisor = Math.Max(0, n - (unbiased ? 1 : 0));
        var all = DimsOf(reduce);
        Tensor mean, result;
        using (GradMode.Disable())
        {
            mean = Mul(Sum(all, keepDim: true), 1.0 / n);
            var dev = Sub(this, mean);
            result = Mul(Square(dev).Sum(all, keepDim), 1.0 / divisor);
            if (std) result = Sqrt(result);
        }
        if (NeedsGrad(this)) result.GradFn = new VarStdNode(this, mean, result.Detach(), reduce, divisor, std);
        return result;
    }

    private sealed class VarStdNode(Tensor x, Tensor mean, Tensor result, bool[] reduce, double divisor, bool std) : Node(x)
    {
        public override string Name => std ? "StdBackward" : "VarBackward";

        // var: 2/(n − c) · g · (x − mean); std: the same with g / (2·std), zeroed where std = 0.
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var keep = KeepDimShape(x.Shape, reduce).ToArray();
            var gk = g.Reshape(keep);
            if (std)
            {
                var r = result.Reshape(keep);
                gk = Where(Eq(r, 0.0), 0.0, Div(gk, Mul(r, 2.0)));
            }
            sink.Add(0, Mul(Mul(Sub(x, mean), gk), 2.0 / divisor));
        }
    }
}
