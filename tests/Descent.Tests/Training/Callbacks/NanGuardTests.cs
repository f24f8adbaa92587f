using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;

namespace Descent.Tests.Training.Callbacks;

/// <summary>
/// <see cref="NanGuard"/>: divergence is a non-finite loss or gradient or a loss that exploded by orders of magnitude;
/// it stops the run as diverged and names the parameter with its layer.
/// </summary>
public class NanGuardTests
{
    private static Sequential Mlp() =>
        new(new Descent.NN.Flatten(), new Linear(4, 8, dtype: DType.Float64, generator: new Generator(1)), new ReLU(),
            new Linear(8, 3, dtype: DType.Float64, generator: new Generator(2)));

    private static DataLoader Blobs() =>
        new(SyntheticData.Blobs(96, classes: 3, features: 4, seed: 5, dtype: DType.Float64), 16, shuffle: true, seed: 1);

    /// <summary>Puts a NaN into one parameter's gradient at one step (runs before the guard).</summary>
    private sealed class PoisonGradient(long step, string parameter) : ICallback
    {
        public void OnAfterBackward(TrainingContext context)
        {
            if (context.GlobalStep == step)
                context.Model.NamedParameters().Single(p => p.Name == parameter).Parameter.Grad!.FillInPlace(double.NaN);
        }
    }

    [Fact]
    public void ANonFiniteGradientIsNamedWithItsLayer()
    {
        var model = Mlp();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(lr: 0.1)))
            .With(new PoisonGradient(2, "3.weight"), new NanGuard());
        trainer.Fit(Blobs(), epochs: 2);
        var ctx = trainer.LastContext!;
        Assert.True(ctx.StopTraining && ctx.Diverged);
        Assert.StartsWith("non-finite gradient at step 2 (epoch 1, batch 2): loss ", ctx.StopReason);
        Assert.EndsWith(", first parameter with a non-finite gradient: 3 (Linear 8→3).weight", ctx.StopReason);
    }

    [Theory]
    [InlineData("1.weight", "1 (Linear 4→8).weight")]
    [InlineData("3.bias", "3 (Linear 8→3).bias")]
    [InlineData("w", "w")]
    public void ParametersAreDescribedWithTheirLayer(string name, string described) =>
        Assert.Equal(described, NanGuard.Describe(Mlp(), name));

    [Fact]
    public void ALossThatExplodesWithoutOverflowingIsDivergence()
    {
        // Adam at lr 1e6: the loss jumps by many orders of magnitude and stays finite; nothing non-finite ever appears.
        var model = Mlp();
        var guard = new NanGuard();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), new AdamOptions(lr: 1e6))).With(guard);
        trainer.Fit(Blobs(), epochs: 3);
        var ctx = trainer.LastContext!;
        Assert.True(ctx.Diverged, $"not stopped: {ctx.History.Series("loss").Last()}");
        Assert.StartsWith("loss exploded at step ", ctx.StopReason);
        Assert.Contains("times the first step's", ctx.StopReason);
        Assert.True(ctx.GlobalStep < 6, $"stopped only at step {ctx.GlobalStep}");
        Assert.True(double.IsFinite(guard.ReferenceLoss));

        // A healthy run never trips it.
        var healthy = Mlp();
        var fine = new Trainer(healthy, new CrossEntropyLoss(), new Adam(healthy.Parameters(), new AdamOptions(lr: 0.01))).With(new NanGuard());
        fine.Fit(Blobs(), epochs: 3);
        Assert.False(fine.LastContext!.Diverged);
        Assert.False(fine.LastContext.StopTraining);
    }

    [Fact]
    public void TheReferenceLossSurvivesACheckpoint()
    {
        var guard = new NanGuard();
        var model = Mlp();
        new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(lr: 0.01))).With(guard).Fit(Blobs(), epochs: 1);
        var restored = new NanGuard();
        restored.LoadState(guard.State());
        Assert.Equal(guard.ReferenceLoss, restored.ReferenceLoss);
    }
}
