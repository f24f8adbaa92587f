using Descent.Experiments;
using Descent.Search.Architecture;
using Descent.Search.Studies;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary>Architecture search spaces: YAML and define-by-run, conditional decisions, the layers candidates write.</summary>
public class ArchitectureSpaceTests
{
    internal const string Stages = """
        search_space:
          stages:
            - name: features
              blocks: {int: [1, 2]}
              type: {choice: [conv2d, residual]}
              channels: {choice: [4, 8]}
              kernel: {choice: [3, 5]}
              norm: {choice: [none, batchnorm]}
              pool: {choice: [none, max]}
            - name: head
              blocks: {int: [0, 2]}
              width: {choice: [16, 32]}
              activation: {choice: [relu, tanh]}
              dropout: {choice: [0.0, 0.5]}
              skip: {choice: [false, true]}
        """;

    private static ArchitectureSpace Space(string yaml = Stages) =>
        ArchitectureSpace.Parse(ConfigDocument.Parse(yaml, "space.yaml").Required("search_space"));

    [Fact]
    public void DecisionsExistOnlyWhereTheyMatter()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomArchitectureSampler(Space(), seed: 1) });
        study.Optimize(t => Space().Sample(t).Blocks.Count, nTrials: 40);
        foreach (var t in study.Trials)
        {
            int features = Convert.ToInt32(t.Params["features.blocks"]), head = Convert.ToInt32(t.Params["head.blocks"]);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(i < features, t.Params.ContainsKey($"features.{i}.channels"));
                Assert.Equal(i < features, t.Params.ContainsKey($"features.{i}.kernel"));
                Assert.Equal(i < head, t.Params.ContainsKey($"head.{i}.width"));
                Assert.False(t.Params.ContainsKey($"head.{i}.kernel"));   // linear blocks have no kernel
                Assert.False(t.Params.ContainsKey($"features.{i}.width")); // convolution blocks have channels
            }
            Assert.Equal(features + head, t.Values![0]);
        }
    }

    [Fact]
    public void CandidatesWriteLayersTheExperimentParserBuilds()
    {
        var candidate = new ArchitectureCandidate(
        [
            new ArchitectureBlock { Kind = "conv2d", Width = 8, Kernel = 5, Norm = "batchnorm", Pool = "max", Dropout = 0.25 },
            new ArchitectureBlock { Kind = "residual", Width = 16, Activation = "gelu" },
            new ArchitectureBlock { Kind = "linear", Width = 32, Activation = "tanh" },
            new ArchitectureBlock { Kind = "linear", Width = 32, Skip = true },
        ]);
        Assert.Equal(
            "[{conv2d: {out: 8, kernel: 5, padding: 2, bias: false}}, batchnorm2d, relu, {maxpool2d: 2}, {dropout: 0.25}, " +
            "{residual: {shortcut: auto, activation: gelu, layers: [{conv2d: {out: 16, kernel: 3, padding: 1}}, gelu, {conv2d: {out: 16, kernel: 3, padding: 1}}]}}, " +
            "flatten, {linear: {out: 32}}, tanh, {residual: {shortcut: auto, layers: [{linear: {out: 32}}, relu]}}, linear]",
            candidate.LayersYaml());
        Assert.Equal(["conv2d 8 5×5 · batchnorm · relu · maxpool · dropout 0.25", "residual 16 3×3 · gelu", "linear 32 · tanh", "linear 32 · relu · skip", "linear → outputs"],
            candidate.Diagram());
        Assert.Equal(candidate.Key, new ArchitectureCandidate([.. candidate.Blocks]).Key);

        // The layers are the experiment parser's: residual entries included.
        var parsed = ExperimentConfig.Parse($$$"""
            name: r
            data: {dataset: synthetic, synthetic: {kind: blobs, samples: 50, classes: 3, features: 4}}
            model: {layers: {{{candidate.LayersYaml()}}}}
            """, "r.yaml");
        Assert.Equal(["conv2d", "batchnorm2d", "relu", "maxpool2d", "dropout", "residual", "flatten", "linear", "tanh", "residual", "linear"],
            parsed.Model.Layers!.Select(l => l.Type));
        var plain = new ArchitectureCandidate([new ArchitectureBlock { Kind = "conv2d", Width = 4, Pool = "max" }, new ArchitectureBlock { Kind = "linear", Width = 16 }]);
        var config = ExperimentConfig.Parse($$$"""
            name: c
            data: {dataset: synthetic, synthetic: {kind: blobs, samples: 50, classes: 3, features: 4}}
            model: {layers: {{{plain.LayersYaml()}}}}
            """, "c.yaml");
        Assert.Equal(["conv2d", "relu", "maxpool2d", "flatten", "linear", "relu", "linear"], config.Model.Layers!.Select(l => l.Type));
    }

    [Fact]
    public void ASpaceCanBeDefinedInCode()
    {
        var space = new ArchitectureSpace(d =>
        {
            int depth = d.Int("depth", 1, 3);
            var blocks = new List<ArchitectureBlock>();
            for (int i = 0; i < depth; i++)
                blocks.Add(new ArchitectureBlock { Kind = "linear", Width = Convert.ToInt32(d.Choice($"w{i}", [16L, 64L])) });
            return new ArchitectureCandidate(blocks);
        });
        var study = Study.Create(new StudyOptions { Sampler = new RandomArchitectureSampler(space, seed: 0) });
        study.Optimize(t => space.Sample(t).Blocks.Sum(b => b.Width), nTrials: 10);
        Assert.All(study.Trials, t => Assert.Equal(Convert.ToInt32(t.Params["depth"]), t.Params.Keys.Count(k => k.StartsWith('w'))));
    }

    [Theory]
    [InlineData("stages:\n    - {name: head, type: linear}\n    - {name: conv, type: conv2d}", "stage 'conv' may hold convolution blocks after a fully connected stage")]
    [InlineData("stages:\n    - {type: pooling}", "type must be one of linear, conv2d, residual")]
    [InlineData("stages:\n    - {type: conv2d, kernel: {choice: [3, 4]}}", "kernels must be odd whole numbers")]
    [InlineData("stages:\n    - {dropout: {float: [0.0, 1.0]}}", "dropout must lie in [0, 1)")]
    [InlineData("stages:\n    - {blocks: 2, widht: 8}", "unknown key 'widht'")]
    [InlineData("stages: []", "at least one stage")]
    [InlineData("stages:\n    - {name: a}\n    - {name: a}", "two stages are named 'a'")]
    public void BadSpacesAreErrorsAtTheirLine(string body, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Space("search_space:\n  " + body + "\n"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("space.yaml:", e.Message);
    }

    [Fact]
    public void StudyFilesCarryTheSearchSpaceAndTuneRejectsThem()
    {
        string yaml = StudyRunnerTests.Yaml("study: {trials: 2}").Replace("search:\n  lr: {float: [0.001, 0.5], log: true}\n  momentum: {choice: [0.0, 0.9]}\n", Stages + "\n", StringComparison.Ordinal);
        var file = StudyFile.Parse(yaml, "s.yaml");
        Assert.NotNull(file.SearchSpaceSection);
        Assert.Empty(file.Parameters);
        Assert.Null(file.Experiment().Get("search_space"));
        var e = Assert.Throws<ConfigException>(() => new StudyRunner(file, "runs"));
        Assert.Contains("descent tune needs a search: section", e.Message);
    }
}
