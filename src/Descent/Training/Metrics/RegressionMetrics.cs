using Descent.Tensors;

namespace Descent.Training.Metrics;

/// <summary>Streaming sums over (prediction, target) pairs shared by the regression metrics.</summary>
public abstract class RegressionMetric : IMetric
{
    private protected long N;
    private protected double SumAbs, SumSq, SumY, SumY2;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract bool HigherIsBetter { get; }

    /// <inheritdoc/>
    public void Reset() => (N, SumAbs, SumSq, SumY, SumY2) = (0, 0, 0, 0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        if (output.Numel != target.Numel)
            throw new ArgumentException($"{Name}: output {output.Shape} and target {target.Shape} have different numbers of elements.");
        for (int i = 0; i < output.Numel; i++)
        {
            double p = MetricInputs.At(output, i), y = MetricInputs.At(target, i);
            double e = p - y;
            SumAbs += Math.Abs(e);
            SumSq += e * e;
            SumY += y;
            SumY2 += y * y;
        }
        N += output.Numel;
    }

    /// <inheritdoc/>
    public abstract double Compute();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double>? StateDict() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["n"] = N, ["sum_abs"] = SumAbs, ["sum_sq"] = SumSq, ["sum_y"] = SumY, ["sum_y2"] = SumY2,
    };

    /// <inheritdoc/>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        N = MetricState.Count(Name, state, "n");
        (SumAbs, SumSq, SumY, SumY2) = (MetricState.Value(Name, state, "sum_abs"), MetricState.Value(Name, state, "sum_sq"),
            MetricState.Value(Name, state, "sum_y"), MetricState.Value(Name, state, "sum_y2"));
    }
}

/// <summary>Mean absolute error.</summary>
public sealed class MeanAbsoluteError : RegressionMetric
{
    /// <inheritdoc/>
    public override string Name => "mae";
    /// <inheritdoc/>
    public override bool HigherIsBetter => false;
    /// <inheritdoc/>
    public override double Compute() => N == 0 ? double.NaN : SumAbs / N;
}

/// <summary>Root mean squared error.</summary>
public sealed class RootMeanSquaredError : RegressionMetric
{
    /// <inheritdoc/>
    public override string Name => "rmse";
    /// <inheritdoc/>
    public override bool HigherIsBetter => false;
    /// <inheritdoc/>
    public override double Compute() => N == 0 ? double.NaN : Math.Sqrt(SumSq / N);
}

/// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot (scikit-learn's r2_score over all elements).</summary>
public sealed class R2Score : RegressionMetric
{
    /// <inheritdoc/>
    public override string Name => "r2";
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;
    /// <inheritdoc/>
    public override double Compute()
    {
        if (N == 0) return double.NaN;
        double ssTot = SumY2 - SumY * SumY / N;
        // scikit-learn: a constant target gives 1 for a perfect fit, else 0.
        if (ssTot <= 0) return SumSq == 0 ? 1 : 0;
        return 1 - SumSq / ssTot;
    }
}
