using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// clamp(x, min, max) = min(max(x, min), max) with scalar or tensor bounds (either optional). The input's
/// gradient passes where min ≤ x ≤ max, inclusive, as in PyTorch; tensor bounds get the gradient where they
/// are the active value (PyTorch's clamp_backward_min_max).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Clamps every element into [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied.</summary>
    public static Tensor Clamp(Tensor x, double? min = null, double? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException($"clamp: at least one of min or max must be given (input {x.Shape}).");
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        var o = UnaryForward(x, "clamp", new ClampKernel<float>((float)lo, (float)hi), new ClampKernel<double>(lo, hi));
        if (NeedsGrad(x)) o.GradFn = new ClampNode(x, min, max);
        return o;
    }

    /// <summary>Clamps with tensor bounds that broadcast against <paramref name="x"/>; a null bound is not applied.</summary>
    public static Tensor Clamp(Tensor x, Tensor? min, Tensor? max)
    {
        if (min is null && max is null)
            throw new ArgumentException($"clamp: at least one of min or max must be given (input {x.Shape}).");
        Tensor o;
        using (GradMode.Disable())
        {
            o = x;
            if (min is not null) o = BinaryForward<MaximumKernel<float>, MaximumKernel<double>>(o, min, "clamp");
            if (max is not null) o = BinaryForward<MinimumKernel<float>, MinimumKernel<double>>(o, max, "clamp");
        }
        var inputs = new List<Tensor> { x };
        if (min is not null) inputs.Add(min);
        if (max is not null) inputs.Add(max);
        if (NeedsGrad([.. inputs])) o.GradFn = new ClampTensorNode([.. inputs], min is not null, max is not null);
        return o;
    }

    /// <summary>Clamps into [<paramref name="min"/>, <paramref name="max"/>] (see <see cref="Clamp(Tensor, double?, double?)"/>).</summary>
    public Tensor Clamp(double? min = null, double? max = null) => Clamp(this, min, max);

    /// <summary>Clamps with tensor bounds (see <see cref="Clamp(Tensor, Tensor?, Tensor?)"/>).</summary>
    public Tensor Clamp(Tensor? min, Tensor? max) => Clamp(this, min, max);

    private sealed class ClampNode(Tensor x, double? min, double? max) : Node(x)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            Tensor? pass = null;
            if (min is double lo) pass = Ge(x, lo);
            if (max is double hi) pass = pass is null ? Le(x, hi) : LogicalAnd(pass, Le(x, hi));
            sink.Add(0, Where(pass!, g, 0.0));
        }
    }

    private sealed class ClampTensorNode(Tensor[] inputs, bool hasMin, bool hasMax) : Node(inputs)
    {
        protected internal override void Backward(Tensor g, GradSink sink)
        {
            var x = Inputs[0];
            var min = hasMin ? Inputs[1] : null;
            var max = hasMax ? Inputs[hasMin ? 2 : 1] : null;
            if (sink.NeedsGrad(0))
            {
                Tensor? pass = null;
                if (min is not null) pass = Ge(x, min);
                if (max is not null) pass = pass is null ? Le(x, max) : LogicalAnd(pass, Le(x, max));
                sink.Add(0, Where(pass!, g, 0.0));
            }
            if (min is not null && sink.NeedsGrad(1))
            {
                // min is the result where x < min, unless max overrides it (min ≥ max).
                var active = max is null ? Lt(x, min) : LogicalAnd(Lt(x, min), Lt(min, max));
                sink.Add(1, Where(active, g, 0.0));
            }
            if (max is not null && sink.NeedsGrad(hasMin ? 2 : 1))
            {
                // max is the result where x > max, and everywhere it lies below min.
                var active = min is null ? Gt(x, max) : LogicalOr(Gt(x, max), Lt(max, min));
                sink.Add(hasMin ? 2 : 1, Where(active, g, 0.0));
            }
        }
    }
}
