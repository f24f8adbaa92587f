using Descent.Tuning;

namespace Descent.Extensions.Tests.Tuning;

/// <summary>
/// A custom sampler written outside the library (<see cref="ISampler"/>) drives a <see cref="Study"/>: independent
/// sampling for the first trial, relative (joint) sampling from the stored trials afterwards, and the trial hooks.
/// </summary>
public class CustomSamplerTests
{
    /// <summary>
    /// Compass search: the first trial takes each range's midpoint; later trials move one coordinate of the best
    /// trial by ±step, the step halving every full sweep of all directions.
    /// </summary>
    private sealed class CompassSampler : ISampler
    {
        public List<int> Began { get; } = [];

        public List<(int Number, TrialState State)> Finished { get; } = [];

        public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
        {
            var complete = study.GetTrials(TrialState.Complete);
            return complete.Count == 0 ? new Dictionary<string, Distribution>() : study.BestTrial.Distributions;
        }

        public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
        {
            if (searchSpace.Count == 0) return new Dictionary<string, double>();
            var best = study.BestTrial.InternalParams;
            var names = searchSpace.Keys.Order(StringComparer.Ordinal).ToArray();
            int move = trial.Number - 1, directions = 2 * names.Length;
            var name = names[move / 2 % names.Length];
            var range = (FloatDistribution)searchSpace[name];
            double step = (range.High - range.Low) / 4 * Math.Pow(0.5, move / directions);
            var sample = new Dictionary<string, double>(best, StringComparer.Ordinal);
            sample[name] = Math.Clamp(best[name] + (move % 2 == 0 ? step : -step), range.Low, range.High);
            return sample;
        }

        public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) =>
            distribution is FloatDistribution f ? (f.Low + f.High) / 2
                : throw new ArgumentException($"CompassSampler: {paramName} is not a float range.", nameof(distribution));

        public void BeforeTrial(Study study, FrozenTrial trial) => Began.Add(trial.Number);

        public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) =>
            Finished.Add((trial.Number, state));
    }

    [Fact]
    public void AStudyRunsOnACustomSampler()
    {
        var sampler = new CompassSampler();
        var study = Study.Create(new StudyOptions { Sampler = sampler, Pruner = new NopPruner() });
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", -1, 1), y = t.SuggestFloat("y", -1, 1);
            return (x - 0.3) * (x - 0.3) + (y + 0.2) * (y + 0.2);
        }, nTrials: 48);

        Assert.Equal(0.0, study.Trials[0].Params["x"]);
        Assert.Equal(0.0, study.Trials[0].Params["y"]);
        Assert.Equal(0.5, study.Trials[1].Params["x"]);
        Assert.True(study.BestValue < 1e-3, $"best {study.BestValue} at {string.Join(", ", study.BestParams)}");
        Assert.Equal(Enumerable.Range(0, 48), sampler.Began);
        Assert.Equal(Enumerable.Range(0, 48).Select(n => (n, TrialState.Complete)), sampler.Finished);
    }
}
