using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Iterates a dataset in batches (PyTorch's <c>DataLoader</c>): <c>foreach (var (x, y) in loader.Epoch(e))</c>.
/// With shuffling, epoch e visits the samples in a permutation seeded by (seed, e) alone, so any epoch's order
/// can be regenerated and an epoch can be resumed at any batch (<see cref="State"/>, <see cref="Resume"/>).
/// </summary>
/// <remarks>
/// <para><b>Batch lifetime.</b> A batch's tensors are views of loader-owned buffers; two sets alternate, so a batch
/// stays valid while the next one is produced and is overwritten when the one after that is. In a training loop
/// this covers the step that consumes the batch. Keep a batch longer with <c>Clone()</c> (outside any step
/// scope). The buffers are long-lived memory (not recycled by a <see cref="StepScope"/>), so batches may be drawn
/// with or without a step scope active; steady-state iteration allocates only tensor headers.</para>
/// <para>Not thread-safe: one enumeration at a time per loader.</para>
/// </remarks>
public sealed class DataLoader
{
    private readonly BatchBuffers _buffers = new();
    private readonly TransformContext _context;
    private readonly Generator _shuffleRng = new(0);
    private int[] _order = [];
    private int _orderEpoch = -1;
    private int _shapeBatch = -1;
    private Shape _featureShape, _targetShape;

    /// <summary>A loader over <paramref name="dataset"/> with <paramref name="options"/> (PyTorch's defaults when null).</summary>
    public DataLoader(IDataset dataset, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSizeSchedule is null && Options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "DataLoader: batch size must be at least 1.");
        Dataset = dataset;
        _context = new TransformContext(_buffers);
        State = new DataLoaderState(Options.Seed, 0, 0, BatchSize(0), dataset.Count);
    }

    /// <summary>A loader with the common options spelled out.</summary>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = false, long seed = 0, bool dropLast = false)
        : this(dataset, new DataLoaderOptions { BatchSize = batchSize, Shuffle = shuffle, Seed = seed, DropLast = dropLast })
    {
    }

    /// <summary>The dataset being iterated.</summary>
    public IDataset Dataset { get; }

    /// <summary>The loader's options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Position of the next batch (updated as batches are produced); store it in checkpoints.</summary>
    public DataLoaderState State { get; private set; }

    /// <summary>Batch size in <paramref name="epoch"/> (from the schedule when one is set).</summary>
    public int BatchSize(int epoch) => Options.BatchSizeSchedule?.SizeAt(epoch) ?? Options.BatchSize;

    /// <summary>Number of batches in <paramref name="epoch"/> (⌊N/B⌋ with drop-last, else ⌈N/B⌉).</summary>
    public int BatchCount(int epoch)
    {
        int n = Dataset.Count, b = BatchSize(epoch);
        return Options.DropLast ? n / b : (n + b - 1) / b;
    }

    /// <summary>The batches of <paramref name="epoch"/>, starting at batch <paramref name="startBatch"/>.</summary>
    public EpochBatches Epoch(int epoch, int startBatch = 0)
    {
        if (epoch < 0)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "DataLoader: epochs count from 0.");
        int count = BatchCount(epoch);
        if (startBatch < 0 || startBatch > count)
            throw new ArgumentOutOfRangeException(nameof(startBatch), startBatch,
                $"DataLoader: epoch {epoch} has {count} batches; cannot start at batch {startBatch}.");
        return new EpochBatches(this, epoch, startBatch, count);
    }

    /// <summary>
    /// The rest of the epoch recorded in <paramref name="state"/> (from a checkpoint), in exactly the order and with
    /// exactly the transform draws an uninterrupted run would have produced.
    /// </summary>
    public EpochBatches Resume(DataLoaderState state)
    {
        if (state.Seed != Options.Seed)
            throw new ArgumentException($"DataLoader.Resume: the state was saved with seed {state.Seed}, this loader has seed {Options.Seed}.", nameof(state));
        if (state.DatasetCount != Dataset.Count)
            throw new ArgumentException($"DataLoader.Resume: the state was saved for {state.DatasetCount} samples, this dataset has {Dataset.Count}.", nameof(state));
        if (state.Epoch < 0)
            throw new ArgumentOutOfRangeException(nameof(state), state.Epoch, "DataLoader.Resume: epochs count from 0.");
        int size = BatchSize(state.Epoch);
        if (state.BatchSize != size)
            throw new ArgumentException(
                $"DataLoader.Resume: the state was saved with batch size {state.BatchSize} in epoch {state.Epoch}, this loader uses {size}; the batch index would point at other samples.",
                nameof(state));
        return Epoch(state.Epoch, state.BatchIndex);
    }

    /// <summary>The sample order of <paramref name="epoch"/> (a permutation of 0..N−1, or 0..N−1 without shuffling).</summary>
    public int[] Order(int epoch) => EnsureOrder(epoch).ToArray();

    private ReadOnlySpan<int> EnsureOrder(int epoch)
    {
        int n = Dataset.Count;
        if (_order.Length != n)
        {
            _order = new int[n];
            _orderEpoch = -1;
        }
        if (_orderEpoch == epoch) return _order;
        for (int i = 0; i < n; i++) _order[i] = i;
        if (Options.Shuffle)
        {
            // Fisher–Yates (Durstenfeld) with unbiased bounded draws, seeded by (seed, epoch) only.
            _shuffleRng.ManualSeed(SeedMixer.Mix(Options.Seed, SeedMixer.Shuffle, epoch));
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)_shuffleRng.NextInt64(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }
        _orderEpoch = epoch;
        return _order;
    }

    /// <summary>Builds batch <paramref name="index"/> of <paramref name="epoch"/> into the next buffer set.</summary>
    internal Batch Produce(int epoch, int index, int batchSize)
    {
        var order = EnsureOrder(epoch);
        int start = index * batchSize;
        int size = Math.Min(batchSize, order.Length - start);
        if (size != _shapeBatch)
        {
            // Shapes are immutable, so consecutive batches of one size share them (one allocation fewer per batch).
            _featureShape = DatasetExtensions.BatchShape(size, Dataset.FeatureShape);
            _targetShape = DatasetExtensions.BatchShape(size, Dataset.TargetShape);
            _shapeBatch = size;
        }
        _buffers.NextBatch();
        var features = _buffers.Take(_featureShape, Dataset.FeatureDType);
        var targets = _buffers.Take(_targetShape, Dataset.TargetDType);
        Dataset.GetBatch(order.Slice(start, size), features, targets);
        _context.Generator.ManualSeed(SeedMixer.Mix(SeedMixer.Mix(Options.Seed, SeedMixer.Augment), epoch, index));
        if (Options.Transform is { } transform)
            features = transform.Apply(features, _context);
        if (Options.TargetTransform is { } targetTransform)
            targets = targetTransform.Apply(targets, _context);
        State = new DataLoaderState(Options.Seed, epoch, index + 1, batchSize, order.Length);
        return new Batch(features, targets, _order.AsMemory(start, size), epoch, index);
    }

    /// <summary>Records that iteration stands at the start of <paramref name="startBatch"/> in <paramref name="epoch"/>.</summary>
    internal void Seek(int epoch, int startBatch, int batchSize) =>
        State = new DataLoaderState(Options.Seed, epoch, startBatch, batchSize, Dataset.Count);
}
