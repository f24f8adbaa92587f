using Descent.Training;
using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// The callback that connects a training run to its trial: after every epoch it reports the study's metric(s) as
/// intermediate values (step = epochs completed, so pruners count resources in epochs) and stops training when the
/// pruner says so. A metric the run does not log stops the whole study: every other trial would fail the same way.
/// </summary>
public sealed class TrialReporter(Trial trial, IReadOnlyList<string> metrics) : ICallback
{
    /// <summary>True once the pruner stopped the run.</summary>
    public bool Pruned { get; private set; }

    /// <summary>The epoch at which the run was pruned (epochs completed), or null.</summary>
    public int? PrunedAtEpoch { get; private set; }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = new double[metrics.Count];
        for (int i = 0; i < metrics.Count; i++)
        {
            if (!context.EpochLogs.TryGetValue(metrics[i], out values[i]))
            {
                trial.Study.Stop();
                throw new KeyNotFoundException($"study metric '{metrics[i]}' is not logged by the experiment " +
                    $"(logged: {string.Join(", ", context.EpochLogs.Keys)}); add it to the experiment's metrics or a validation split.");
            }
        }
        int step = context.Epoch + 1;
        if (values.Length == 1) trial.Report(values[0], step);
        else trial.Report(values, step);
        if (trial.ShouldPrune())
        {
            Pruned = true;
            PrunedAtEpoch = step;
            context.StopTraining = true;
            context.StopReason = $"pruned by the study at epoch {step}";
        }
    }
}
