using Descent.Training;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// A custom callback that kills training abruptly after <paramref name="steps"/> optimizer steps (no epoch-end or
/// train-end work runs), as a crashed process would, so the example can resume from the last checkpoint.
/// </summary>
public sealed class SimulatedCrash(int steps) : ICallback
{
    /// <summary>Throws <see cref="OperationCanceledException"/> once <paramref name="steps"/> steps are done.</summary>
    public void OnBatchEnd(TrainingContext context)
    {
        if (context.GlobalStep + 1 >= steps)
            throw new OperationCanceledException($"simulated crash after step {context.GlobalStep + 1}");
    }
}
