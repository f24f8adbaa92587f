namespace Descent.Data;

/// <summary>Options of a <see cref="DataLoader"/>, with PyTorch's defaults (batch size 1, no shuffle, keep the last partial batch).</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch (ignored when <see cref="BatchSizeSchedule"/> is set).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Optional batch size per epoch; overrides <see cref="BatchSize"/>.</summary>
    public BatchSizeSchedule? BatchSizeSchedule { get; init; }

    /// <summary>Visit the samples in a new random order every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the per-epoch permutations and of the random transforms.</summary>
    public long Seed { get; init; }

    /// <summary>Drop the last batch of an epoch when it has fewer than the batch size samples.</summary>
    public bool DropLast { get; init; }

    /// <summary>Batch transform applied to the features (e.g. <see cref="Compose"/> of normalize, crop, flip).</summary>
    public IBatchTransform? Transform { get; init; }

    /// <summary>Batch transform applied to the targets (e.g. <see cref="OneHot"/>).</summary>
    public IBatchTransform? TargetTransform { get; init; }
}
