using Descent.Experiments;
using Descent.Search.Studies;

namespace Descent.Tests.Search;

/// <summary>A study searches the experiment's <c>pruning:</c> settings like an optimizer's, checked against their declarations.</summary>
public class PruningSearchSpaceTests
{
    private const string Pruning = "pruning: {target_sparsity: 0.5, end_step: 100}\n";

    [Theory]
    [InlineData(Pruning + "search:\n  sparsity: {float: [0.5, 1.0]}\n", "s.yaml:3:13: search.sparsity: pruning.target_sparsity: the range [0.5, 1")]
    [InlineData(Pruning + "search:\n  f: {float: [10, 100], path: pruning.frequency}\n", "s.yaml:3:6: search.f: pruning.frequency: pruning's frequency is a positive integer; search it with int: [low, high]")]
    [InlineData(Pruning + "search:\n  m: {choice: [l1, taylor], path: pruning.method}\n", "s.yaml:3:6: search.m: pruning.method: the choice taylor is invalid")]
    [InlineData(Pruning + "search:\n  x: {float: [0, 1], path: pruning.speed}\n", "s.yaml:3:6: search.x: pruning.speed: pruning has no hyperparameter 'speed'")]
    [InlineData("search:\n  sparsity: {float: [0.5, 0.9]}\n", "s.yaml:2:13: search.sparsity: pruning.target_sparsity: the experiment has no pruning: section")]
    public void PruningParametersOutsideTheirDeclarationAreRejected(string yaml, string expectedStart) =>
        Assert.StartsWith(expectedStart, Assert.Throws<ConfigException>(() => StudyFile.Parse(yaml, "s.yaml")).Message);

    [Fact]
    public void ValidPruningSpacesPassAndApplyAsOverrides()
    {
        var f = StudyFile.Parse(Pruning + "search:\n  sparsity: {float: [0.5, 0.95]}\n  freq: {int: [10, 50], path: pruning.frequency}\n", "s.yaml");
        Assert.Equal(["pruning.target_sparsity", "pruning.frequency"], f.Parameters.Select(p => p.Path));
        var config = ExperimentConfig.Parse(Pruning, "e.yaml", [f.Parameters[0].ToOverride(0.8), f.Parameters[1].ToOverride(20L)]);
        Assert.Equal((0.8, 20), (config.Pruning!.TargetSparsity, config.Pruning.Frequency));
    }
}
