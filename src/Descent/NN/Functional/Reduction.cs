namespace Descent.NN;

/// <summary>How a loss combines per-element terms (PyTorch's <c>reduction</c> argument).</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss value per element (or per sample for class losses).</summary>
    None,

    /// <summary>Average (the default). Class-index losses divide by the summed class weights of non-ignored targets.</summary>
    Mean,

    /// <summary>Sum of the terms.</summary>
    Sum,

    /// <summary>Sum divided by the batch size (dim 0); only for <see cref="KLDivLoss"/>, where it is the mathematically correct KL.</summary>
    BatchMean,
}

/// <summary>Parsing and validation helpers for <see cref="Reduction"/>.</summary>
public static class ReductionExtensions
{
    /// <summary>Parses PyTorch's names: "none", "mean", "sum", "batchmean".</summary>
    public static Reduction Parse(string name) => name switch
    {
        "none" => Reduction.None,
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException($"'{name}' is not a valid reduction (none, mean, sum, batchmean).", nameof(name)),
    };

    /// <summary>PyTorch's name of the reduction.</summary>
    public static string TorchName(this Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Mean => "mean",
        Reduction.Sum => "sum",
        _ => "batchmean",
    };

    internal static void RequireNotBatchMean(this Reduction reduction, string loss)
    {
        if (reduction == Reduction.BatchMean)
            throw new ArgumentException($"{loss}: reduction 'batchmean' is only valid for KLDivLoss (use none, mean or sum).");
    }
}
