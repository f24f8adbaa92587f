using Descent.Optim;
using Descent.Training;

namespace Descent.Experiments.Runs;

/// <summary>
/// Records one <see cref="StepRecord"/> per optimizer step: loss, learning rate and the global L2 gradient norm
/// measured after backward. Put it first among the callbacks so the norm is taken before any clipping.
/// </summary>
public sealed class StepRecorder : ICallback
{
    private readonly List<StepRecord> _steps;
    private double _lr, _norm;

    /// <summary>Starts with <paramref name="previous"/> rows (those of a resumed run up to its checkpoint).</summary>
    public StepRecorder(IEnumerable<StepRecord>? previous = null) => _steps = previous?.ToList() ?? [];

    /// <summary>The rows so far.</summary>
    public IReadOnlyList<StepRecord> Steps => _steps;

    void ICallback.OnAfterBackward(TrainingContext context)
    {
        _lr = context.LearningRate;
        _norm = Clipping.TotalNorm(context.Optimizer.Parameters);
    }

    void ICallback.OnBatchEnd(TrainingContext context) =>
        _steps.Add(new StepRecord(context.GlobalStep + 1, context.Epoch + 1, context.BatchLoss, _lr, _norm));
}
