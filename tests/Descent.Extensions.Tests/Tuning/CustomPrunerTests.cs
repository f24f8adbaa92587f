using Descent.Tuning;

namespace Descent.Extensions.Tests.Tuning;

/// <summary>A custom pruner written outside the library (<see cref="IPruner"/>) stops trials through <see cref="Trial.ShouldPrune"/>.</summary>
public class CustomPrunerTests
{
    /// <summary>Prunes a trial whose latest intermediate value is no better than the one <paramref name="patience"/> steps earlier.</summary>
    private sealed class StagnationPruner(int patience) : IPruner
    {
        public bool Prune(Study study, FrozenTrial trial)
        {
            var values = trial.IntermediateValues;
            if (trial.LastStep is not int last || !values.TryGetValue(last - patience, out double earlier)) return false;
            double now = values[last];
            return study.Direction == StudyDirection.Minimize ? now >= earlier : now <= earlier;
        }
    }

    [Fact]
    public void TrialsThatStopImprovingArePruned()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1), Pruner = new StagnationPruner(patience: 2) });
        var rates = new[] { 0.5, 0.0, 0.9, -0.1 };   // per-trial improvement per step; ≤ 0 stagnates
        study.Optimize(t =>
        {
            double rate = rates[t.Number];
            double loss = 1.0;
            for (int step = 0; step < 10; step++)
            {
                loss *= 1 - rate;
                t.Report(loss, step);
                if (t.ShouldPrune()) throw new TrialPrunedException($"stagnated at step {step}");
            }
            return loss;
        }, nTrials: rates.Length);

        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Complete, TrialState.Pruned], study.Trials.Select(t => t.State));
        Assert.Equal(2, study.Trials[1].LastStep);
        Assert.Equal(2, study.Trials[3].LastStep);
        Assert.Equal(2, study.BestTrial.Number);
    }
}
