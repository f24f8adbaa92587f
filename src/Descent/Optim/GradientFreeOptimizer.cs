using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Optim;

/// <summary>
/// Base of the optimizers that never read a gradient (neuroevolution: <see cref="GeneticOptimizer"/>,
/// <see cref="AnnealingOptimizer"/>). They move all parameters jointly and judge a candidate by the loss alone, so a step
/// takes a closure that evaluates the loss at the parameters' current values — PyTorch's <c>optimizer.step(closure)</c>,
/// minus the backward pass — and calls it once per candidate, writing each candidate into the parameters first. The
/// Trainer passes the batch's forward pass and loss; <see cref="Optimizer.Step()"/> without a closure
/// is an error. A parameter group's <c>lr</c> is the perturbation size of its parameters (so learning-rate schedules
/// anneal it), and its <c>weight_decay</c> adds ½·wd·‖θ‖² to the loss of every candidate.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
/// <typeparam name="TState">The per-parameter state.</typeparam>
public abstract class GradientFreeOptimizer<TOptions, TState> : Optimizer<TOptions, TState>
    where TOptions : OptimizerOptions
    where TState : ParamState
{
    /// <summary>Creates the optimizer over one group of <paramref name="parameters"/>.</summary>
    protected GradientFreeOptimizer(IEnumerable<Tensor> parameters, TOptions defaults) : base(parameters, defaults)
    {
    }

    /// <inheritdoc/>
    public sealed override bool RequiresGradients => false;

    /// <summary>Number of parameter elements (the length of a candidate vector).</summary>
    protected int Length => Parameters.Sum(p => p.Numel);

    /// <inheritdoc/>
    protected sealed override void Update(Tensor param, Tensor grad, TState state, TOptions options) =>
        throw new DescentInternalException($"{Name} has no gradient update; Step() refuses before reaching it");

    /// <summary>The parameters' current values, concatenated in ordinal order.</summary>
    protected double[] Gather()
    {
        var x = new double[Length];
        int offset = 0;
        foreach (var p in Parameters)
        {
            var values = p.ToDoubleArray();
            values.CopyTo(x, offset);
            offset += values.Length;
        }
        return x;
    }

    /// <summary>Writes a candidate vector into the parameters (rounded to float32 for float32 parameters).</summary>
    protected void Scatter(double[] x)
    {
        int offset = 0;
        using var noGrad = GradMode.Disable();
        foreach (var p in Parameters)
        {
            int n = p.Numel;
            if (p.DType == DType.Float32)
            {
                var span = p.Span<float>();
                for (int i = 0; i < n; i++) span[i] = (float)x[offset + i];
            }
            else
            {
                x.AsSpan(offset, n).CopyTo(p.Span<double>());
            }
            offset += n;
        }
    }

    /// <summary>The loss of candidate <paramref name="x"/>: written into the parameters, then the closure, plus the groups' weight decay penalty.</summary>
    protected double Evaluate(double[] x, Func<double> closure)
    {
        Scatter(x);
        double loss = closure();
        return double.IsNaN(loss) ? double.PositiveInfinity : loss + Penalty(x);
    }

    /// <summary>The perturbation size of every element of a candidate: the lr of the element's parameter group.</summary>
    protected double[] StepSizes()
    {
        var sizes = new double[Length];
        foreach (var group in ParamGroups)
        {
            int offset = Offset(group.FirstOrdinal);
            int n = group.Params.Sum(p => p.Numel);
            Array.Fill(sizes, group.Lr, offset, n);
        }
        return sizes;
    }

    /// <summary>A generator for draw <paramref name="index"/> of step <paramref name="step"/>: streams independent of each other and of evaluation order.</summary>
    protected static Generator Stream(long seed, long step, long index) =>
        new(unchecked(seed ^ (step + 1) * (long)0x9E3779B97F4A7C15UL ^ (index + 1) * (long)0xBF58476D1CE4E5B9UL));

    private double Penalty(double[] x)
    {
        double penalty = 0;
        foreach (var group in ParamGroups)
        {
            if (group.Options.WeightDecay == 0) continue;
            int offset = Offset(group.FirstOrdinal), n = group.Params.Sum(p => p.Numel);
            double squares = 0;
            for (int i = offset; i < offset + n; i++) squares += x[i] * x[i];
            penalty += 0.5 * group.Options.WeightDecay * squares;
        }
        return penalty;
    }

    private int Offset(int ordinal)
    {
        int offset = 0;
        for (int i = 0; i < ordinal; i++) offset += Parameters[i].Numel;
        return offset;
    }
}
