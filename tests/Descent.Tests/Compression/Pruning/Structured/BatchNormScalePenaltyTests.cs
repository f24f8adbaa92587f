using Descent.Compression.Pruning.Structured;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Tests.Compression.Pruning.Structured;

/// <summary>BatchNormScalePenalty (network slimming): λ·sign(γ) added to the scales' gradient, nothing else changed.</summary>
public class BatchNormScalePenaltyTests
{
    private static (Sequential Model, Trainer Trainer) Make(params ICallback[] callbacks)
    {
        var g = new Generator(1);
        var model = new Sequential(new Linear(4, 6, dtype: DType.Float64, generator: g), new BatchNorm1d(6, dtype: DType.Float64), new ReLU(),
            new Linear(6, 3, dtype: DType.Float64, generator: g));
        using (GradMode.Disable())
            ((BatchNorm1d)model[1]).Weight!.CopyFrom(Tensor.FromArray([0.5, -0.25, 1.5, -2.0, 0.75, 1.0], 6));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.1)));
        return (model, trainer.With(callbacks));
    }

    [Fact]
    public void OneStepMovesEveryScaleByLrTimesLambdaTowardsZero()
    {
        var data = SyntheticData.Blobs(12, classes: 3, features: 4, seed: 5, dtype: DType.Float64);
        var (plain, plainTrainer) = Make();
        var (penalized, penalizedTrainer) = Make(new BatchNormScalePenalty(0.01));
        plainTrainer.Fit(new DataLoader(data, 12), epochs: 1);
        penalizedTrainer.Fit(new DataLoader(data, 12), epochs: 1);
        var a = ((BatchNorm1d)plain[1]).Weight!.ToDoubleArray();
        var b = ((BatchNorm1d)penalized[1]).Weight!.ToDoubleArray();
        double[] sign = [1, -1, 1, -1, 1, 1];
        for (int i = 0; i < a.Length; i++) Assert.Equal(-0.1 * 0.01 * sign[i], b[i] - a[i], 12);
        Assert.Equal(((Linear)plain[0]).Weight.ToDoubleArray(), ((Linear)penalized[0]).Weight.ToDoubleArray());
        Assert.Single(BatchNormScalePenalty.Scales(penalized));
    }

    [Fact]
    public void AModelWithoutBatchNormAndANegativeLambdaAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormScalePenalty(-1));
        var model = new Sequential(new Linear(4, 3, dtype: DType.Float64));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.1))).With(new BatchNormScalePenalty(1e-4));
        var data = SyntheticData.Blobs(4, classes: 3, features: 4, seed: 5, dtype: DType.Float64);
        Assert.Contains("no BatchNorm", Assert.Throws<InvalidOperationException>(() => trainer.Fit(new DataLoader(data, 4), epochs: 1)).Message);
    }
}
