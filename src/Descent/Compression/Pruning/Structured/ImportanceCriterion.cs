namespace Descent.Compression.Pruning.Structured;

/// <summary>How a channel's importance is scored (<see cref="ChannelImportance"/>); the lowest-scored channels are removed.</summary>
public enum ImportanceCriterion
{
    /// <summary>L1 norm Σ|w| of the producer's weight slice of the channel (Li et al. 2017, "Pruning Filters for Efficient ConvNets").</summary>
    L1,

    /// <summary>L2 norm √Σw² of the producer's weight slice.</summary>
    L2,

    /// <summary>|γ| of the BatchNorm following the producer (Liu et al. 2017, "Learning Efficient Convolutional Networks through Network Slimming").</summary>
    BnScale,

    /// <summary>
    /// First-order Taylor expansion of the loss change |Σ w·∂L/∂w| over the producer's weight slice, with gradients summed
    /// over calibration batches (Molchanov et al. 2017, "Pruning Convolutional Neural Networks for Resource Efficient Inference").
    /// </summary>
    Taylor,

    /// <summary>Uniform random scores (a baseline).</summary>
    Random,
}

/// <summary>How the scores of a group's several producers (or BatchNorms) for one channel are combined.</summary>
public enum ImportanceReduction
{
    /// <summary>The mean (Torch-Pruning's default).</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,

    /// <summary>The maximum.</summary>
    Max,
}
