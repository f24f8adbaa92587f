namespace Descent.Data;

/// <summary>
/// Where a <see cref="DataLoader"/> stands, for checkpoints: the next batch to produce is batch
/// <see cref="BatchIndex"/> of epoch <see cref="Epoch"/>. Together with the seed this regenerates the exact
/// remaining order (and transform draws) of the epoch; <see cref="BatchSize"/> and <see cref="DatasetCount"/>
/// guard against resuming with a different configuration.
/// </summary>
/// <param name="Seed">The loader's seed.</param>
/// <param name="Epoch">Current epoch (from 0).</param>
/// <param name="BatchIndex">Index of the next batch of the epoch (equal to the batch count once the epoch is done).</param>
/// <param name="BatchSize">The epoch's batch size.</param>
/// <param name="DatasetCount">Number of samples in the dataset.</param>
public readonly record struct DataLoaderState(long Seed, int Epoch, int BatchIndex, int BatchSize, int DatasetCount);
