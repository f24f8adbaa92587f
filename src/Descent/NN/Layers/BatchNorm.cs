using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Shared implementation of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> (PyTorch's <c>_BatchNorm</c>):
/// learnable "weight" (ones) and "bias" (zeros) when affine; buffers "running_mean" (zeros), "running_var" (ones)
/// and "num_batches_tracked" (int64) when tracking running statistics. Training normalizes with batch statistics
/// and updates the running ones (unbiased variance, factor momentum, or 1/num_batches_tracked when momentum is
/// null); evaluation uses the running statistics.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{GetType().Name}: num_features must be at least 1.");
        if (!(eps > 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name}: eps must be positive.");
        if (momentum is { } m && !(m >= 0 && m <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{GetType().Name}: momentum must be in [0, 1] (or null for a cumulative average).");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(new Shape(numFeatures), dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros(new Shape(numFeatures), dtype));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(new Shape(numFeatures), dtype));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(new Shape(numFeatures), dtype));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros(Shape.Scalar, DType.Int64));
        }
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Running-average factor; null means a cumulative moving average.</summary>
    public double? Momentum { get; }

    /// <summary>Scale γ (null unless affine).</summary>
    public Tensor? Weight { get; }

    /// <summary>Shift β (null unless affine).</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean (null unless tracking running statistics).</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance (null unless tracking running statistics).</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen (null unless tracking running statistics).</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Throws unless the input rank is valid for this layer.</summary>
    protected abstract void CheckInput(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input);
        if (input.Shape[1] != NumFeatures)
            throw new ArgumentException($"{TypeName}: expected {NumFeatures} channels in dim 1, got input {input.Shape}.");
        double factor = Momentum ?? 0.0;
        // A secondary data-parallel replica normalizes with its own sub-batch's statistics and updates nothing
        // (PyTorch's DataParallel keeps the running statistics of replica 0 only).
        if (Training && InSecondaryReplica)
            return Functional.BatchNorm(input, null, null, Weight, Bias, true, factor, Eps);
        if (Training && NumBatchesTracked is not null)
        {
            NumBatchesTracked.SetDouble(0, NumBatchesTracked.GetDouble(0) + 1);
            if (Momentum is null) factor = 1.0 / NumBatchesTracked.GetDouble(0);
        }
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training || RunningMean is null, factor, Eps);
    }

    /// <summary>
    /// Fills a new layer of the same type and options, made by <paramref name="create"/> for the kept count, with the
    /// selected <paramref name="channels"/> of γ, β and the running statistics, the same num_batches_tracked, and
    /// this layer's training mode.
    /// </summary>
    private protected T KeepInto<T>(IReadOnlyList<int> channels, Func<int, T> create) where T : BatchNorm
    {
        ArgumentNullException.ThrowIfNull(channels);
        var kept = KeptIndices.Check($"{TypeName}({ExtraRepr()})", "channels", NumFeatures, channels);
        var layer = create(kept.Length);
        if (Weight is not null) KeptIndices.CopyInto(layer.Weight, KeptIndices.Take(Weight, 0, kept));
        if (Bias is not null) KeptIndices.CopyInto(layer.Bias, KeptIndices.Take(Bias, 0, kept));
        if (RunningMean is not null) KeptIndices.CopyInto(layer.RunningMean, KeptIndices.Take(RunningMean, 0, kept));
        if (RunningVar is not null) KeptIndices.CopyInto(layer.RunningVar, KeptIndices.Take(RunningVar, 0, kept));
        KeptIndices.CopyInto(layer.NumBatchesTracked, NumBatchesTracked);
        layer.Train(Training);
        return layer;
    }

    /// <summary>The dtype of the layer's tensors (float32 when it has none).</summary>
    private protected DType ElementType => Weight?.DType ?? RunningMean?.DType ?? DType.Float32;

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Repr.Int(NumFeatures)}, eps={Repr.Float(Eps)}, momentum={(Momentum is { } m ? Repr.Float(m) : "None")}, affine={Repr.Bool(Weight is not null)}, track_running_stats={Repr.Bool(RunningMean is not null)}";
}

/// <summary>Batch normalization of [N, C] or [N, C, L] inputs (PyTorch's <c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <summary>
    /// A new, independent BatchNorm1d for the kept <paramref name="channels"/> (strictly increasing, in range): γ, β,
    /// running mean and variance sliced, num_batches_tracked, eps, momentum, dtype and training mode copied.
    /// </summary>
    public BatchNorm1d Keep(IReadOnlyList<int> channels) =>
        KeepInto(channels, n => new BatchNorm1d(n, Eps, Momentum, Weight is not null, RunningMean is not null, ElementType));

    /// <inheritdoc/>
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input (got {input.Rank}D input {input.Shape}).");
    }
}

/// <summary>Batch normalization of [N, C, H, W] inputs (PyTorch's <c>nn.BatchNorm2d</c>).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <summary>
    /// A new, independent BatchNorm2d for the kept <paramref name="channels"/> (strictly increasing, in range): γ, β,
    /// running mean and variance sliced, num_batches_tracked, eps, momentum, dtype and training mode copied.
    /// </summary>
    public BatchNorm2d Keep(IReadOnlyList<int> channels) =>
        KeepInto(channels, n => new BatchNorm2d(n, Eps, Momentum, Weight is not null, RunningMean is not null, ElementType));

    /// <inheritdoc/>
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4D input (got {input.Rank}D input {input.Shape}).");
    }
}
