using System.Diagnostics;

namespace Descent.Training.Callbacks;

/// <summary>
/// Reports training progress to an <see cref="ITrainingProgress"/> display: at each epoch start and batch end the running
/// loss, samples/s and the ETA of the whole run; at each epoch end the epoch's logs. Plain lines by default
/// (<see cref="PlainTextProgress"/>); the <c>descent</c> CLI passes its live terminal bar. Dispose it if training may
/// throw, so the display ends.
/// </summary>
public sealed class ProgressCallback : ICallback, IDisposable
{
    private readonly ITrainingProgress _display;
    private readonly Stopwatch _clock = new();
    private long _batchesDone, _samplesDone;
    private int _startEpoch;

    /// <summary>Reports to <paramref name="display"/>.</summary>
    public ProgressCallback(ITrainingProgress display) => _display = display ?? throw new ArgumentNullException(nameof(display));

    /// <summary>Writes plain progress lines to <paramref name="output"/> (default: standard error).</summary>
    public ProgressCallback(TextWriter? output = null) : this(new PlainTextProgress(output ?? Console.Error)) { }

    void ICallback.OnTrainBegin(TrainingContext context)
    {
        _clock.Restart();
        _startEpoch = context.History.Epochs.Count;
        _display.OnTrainBegin();
    }

    void ICallback.OnEpochBegin(TrainingContext context) => _display.OnEpochBegin(Progress(context, batchesDoneInEpoch: 0));

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        _batchesDone++;
        _samplesDone += context.BatchSize;
        _display.OnBatchEnd(Progress(context, context.BatchIndex + 1));
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        // Epochs restored from a checkpoint were not timed by this run.
        double? rate = seconds > 0 && context.Epoch >= _startEpoch ? _samplesDone / seconds : null;
        _display.OnEpochEnd(new EpochProgress(context.Epoch, context.Epochs, new Dictionary<string, double>(context.EpochLogs), rate));
    }

    void ICallback.OnTrainEnd(TrainingContext context) => _display.OnTrainEnd();

    /// <summary>Ends the display (if training threw before it ended).</summary>
    public void Dispose() => _display.OnTrainEnd();

    private TrainingProgress Progress(TrainingContext context, int batchesDoneInEpoch)
    {
        double loss = context.PartialSamples > 0 ? context.PartialLossSum / context.PartialSamples : double.NaN;
        double seconds = _clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? _samplesDone / seconds : 0;
        // ETA of the whole run: the average time per batch so far times the batches left.
        long left = context.BatchesInEpoch - batchesDoneInEpoch + (long)(context.Epochs - context.Epoch - 1) * context.BatchesInEpoch;
        TimeSpan? eta = _batchesDone > 0 ? TimeSpan.FromSeconds(Math.Round(seconds / _batchesDone * Math.Max(0, left))) : null;
        return new TrainingProgress(context.Epoch, context.Epochs, batchesDoneInEpoch, context.BatchesInEpoch, loss, rate, eta);
    }
}
