using System.Diagnostics;

namespace Descent.Training.Callbacks;

/// <summary>
/// Progress as plain lines, readable in logs and CI output: <c>epoch 1/5  loss …  samples/s  ETA …  batch 40/938</c> at
/// most every <see cref="Interval"/>, and one line of metrics per finished epoch.
/// </summary>
public sealed class PlainTextProgress(TextWriter output) : ITrainingProgress
{
    private readonly TextWriter _output = output ?? throw new ArgumentNullException(nameof(output));
    private readonly Stopwatch _sinceLine = new();

    /// <summary>Minimum time between two progress lines (the epoch lines are always written).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public void OnTrainBegin() => _sinceLine.Restart();

    /// <inheritdoc/>
    public void OnEpochBegin(TrainingProgress progress) { }

    /// <inheritdoc/>
    public void OnBatchEnd(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (_sinceLine.Elapsed < Interval) return;
        _output.WriteLine($"{progress.Describe()}  batch {progress.Batch}/{progress.BatchesInEpoch}");
        _sinceLine.Restart();
    }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochProgress epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        _output.WriteLine(epoch.Describe());
        _sinceLine.Restart();
    }

    /// <inheritdoc/>
    public void OnTrainEnd() { }
}
