using Descent.Experiments;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary><c>sampler: ga</c> and <c>sampler: sa</c> in study files.</summary>
public class GradientFreeSamplerSpecTests
{
    private static ISampler Create(string sampler) =>
        SamplerSpec.Create(ConfigDocument.Parse("sampler: " + sampler, "s.yaml").Required("sampler"), seed: 3, []);

    [Fact]
    public void StudyFilesNameTheGeneticAndAnnealingSamplers()
    {
        Assert.IsType<GeneticSampler>(Create("ga"));
        Assert.IsType<GeneticSampler>(Create("{name: ga, population_size: 10, tournament: 3, survival: generational, elites: 2, crossover_eta: 10}"));
        Assert.IsType<AnnealingSampler>(Create("sa"));
        Assert.IsType<AnnealingSampler>(Create("{name: sa, visiting: gaussian, cooling: geometric, cooling_rate: 0.9, initial_temp: auto, no_local_search: true}"));

        // The sampler drives a study from the file's settings.
        var study = Study.Create(new StudyOptions { Sampler = Create("{name: ga, population_size: 6}") });
        study.Optimize(t => Math.Abs(t.SuggestFloat("x", -1, 1)), nTrials: 30);
        Assert.Equal(4L, study.Trials[^1].SystemAttrs[GeneticSampler.GenerationKey]);   // trials 24–29: generation 4 of six
    }

    [Theory]
    [InlineData("{name: ga, population_size: 1}", "PopulationSize must be at least 2")]
    [InlineData("{name: ga, crossover_prob: 1.5}", "must be in [0, 1]")]
    [InlineData("{name: ga, survival: steady}", "steady")]
    [InlineData("{name: sa, cooling: exponential}", "exponential")]
    [InlineData("{name: sa, visit: 3.5}", "3.5")]
    [InlineData("{name: sa, temperature: 3}", "unknown key 'temperature'")]
    public void BadSettingsAreErrorsAtTheirLine(string sampler, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Create(sampler));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("s.yaml:1:", e.Message);
    }
}
