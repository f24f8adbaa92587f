using Descent.Compression.Distillation;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Tests.Compression.Distillation;

/// <summary>
/// FitNets hints through the <see cref="Distiller"/>: layers found by module path, regressors sized from the layers'
/// outputs and trained, checkpointed and data-parallel with the student, and the errors for bad paths.
/// </summary>
public class HintDistillationTests
{
    private static TensorDataset Data() => SyntheticData.Blobs(48, classes: 3, features: 16, seed: 4, dtype: DType.Float64);

    private static DataLoader Loader() => new(Data(), 12, shuffle: true, seed: 2);

    private static Tensor Example() => Data().Features.Narrow(0, 0, 1);

    private static DistillationOptions Hinted(params string[] hints) => new()
    {
        Hints = [.. hints.Select(HintPair.Parse)],
        HintWeight = 0.5,
        ValidationAgreement = false,
    };

    [Fact]
    public void PrepareSizesOneRegressorPerHintAndKeepsTheStudentsOutput()
    {
        var teacher = DistillerTests.Mlp(32, 1);   // Flatten, Linear(16, 32), ReLU, Linear(32, 3)
        var student = DistillerTests.Mlp(8, 2);
        var distiller = new Distiller(teacher, Hinted("2:2", "3:3"));
        var hinted = Assert.IsType<HintedStudent>(distiller.Prepare(student, Example()));
        Assert.Same(student, hinted.Student);
        Assert.Equal(2, hinted.Hints.Count);
        var linear = Assert.IsType<Linear>(hinted.Hints[0].Regressor);   // ReLU outputs [8] → [32]
        Assert.Equal((8, 32), (linear.InFeatures, linear.OutFeatures));
        Assert.Null(hinted.Hints[1].Regressor);                          // logits [3] → [3]: no regressor
        Assert.Equal(student.ParameterCount + 8 * 32 + 32, hinted.ParameterCount);
        Assert.Contains("hints.0.regressor.weight", hinted.StateDict().Keys);
        Assert.Contains("student.1.weight", hinted.StateDict().Keys);
        Assert.Equal(student.Call(Example()).ToDoubleArray(), hinted.Call(Example()).ToDoubleArray());
        // Without hints the student is trained as it is.
        Assert.Same(student, new Distiller(teacher).Prepare(student, Example()));
    }

    [Fact]
    public void ConvolutionalFeatureMapsGetAOneByOneConvRegressor()
    {
        var g = new Generator(3);
        var teacher = new Sequential(new Conv2d(1, 6, 3, padding: 1, dtype: DType.Float64, generator: g), new ReLU(), new Descent.NN.Flatten(),
            new Linear(6 * 16, 3, dtype: DType.Float64, generator: g));
        var student = new Sequential(new Conv2d(1, 2, 3, padding: 1, dtype: DType.Float64, generator: g), new ReLU(), new Descent.NN.Flatten(),
            new Linear(2 * 16, 3, dtype: DType.Float64, generator: g));
        var images = Tensor.Randn(new Shape(1, 1, 4, 4), DType.Float64, new Generator(1));
        var hinted = (HintedStudent)new Distiller(teacher, Hinted("1:1")).Prepare(student, images);
        var conv = Assert.IsType<Conv2d>(hinted.Hints[0].Regressor);
        Assert.Equal((2, 6, 1), (conv.InChannels, conv.OutChannels, conv.KernelSize.H));
    }

    [Fact]
    public void RegressorsTrainWithTheStudentAndTheHintLossFalls()
    {
        var teacher = DistillerTests.Mlp(32, 1);
        var distiller = new Distiller(teacher, Hinted("2:2"));
        var hinted = (HintedStudent)distiller.Prepare(DistillerTests.Mlp(8, 2), Example(), new Generator(5));
        var regressorBefore = ((Linear)hinted.Hints[0].Regressor!).Weight.ToDoubleArray();
        var trainer = new Trainer(hinted, new CrossEntropyLoss(), new Sgd(hinted.Parameters(), new SgdOptions(0.05, momentum: 0.9)),
            new TrainerOptions { Objective = distiller });
        var history = trainer.Fit(Loader(), epochs: 6);
        var hints = history.Series("hint_loss");
        Assert.True(hints[^1] < 0.8 * hints[0], $"hint loss {string.Join(", ", hints)}");
        Assert.NotEqual(regressorBefore, ((Linear)hinted.Hints[0].Regressor!).Weight.ToDoubleArray());
        var last = history.Epochs[^1];
        Assert.Equal(0.1 * last["hard_loss"] + 0.9 * last["soft_loss"] + 0.5 * last["hint_loss"], last["loss"], 12);
        Assert.Null(distiller.PrecomputedLogits);   // hints need the teacher's features of every batch
    }

    [Fact]
    public void HintedDataParallelMatchesOneReplica()
    {
        double[] Run(int replicas)
        {
            var distiller = new Distiller(DistillerTests.Mlp(32, 1), Hinted("2:2"));
            var model = distiller.Prepare(DistillerTests.Mlp(8, 2), Example(), new Generator(5));
            new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.05, momentum: 0.9)),
                new TrainerOptions { Objective = distiller, DataParallel = replicas }).Fit(Loader(), epochs: 2);
            return [.. model.Parameters().SelectMany(p => p.ToDoubleArray())];
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.True(Math.Abs(one[i] - two[i]) <= 1e-12, $"element {i}: {one[i]} vs {two[i]}");
    }

    [Fact]
    public void BadHintsNameTheLayerAndTheAlternatives()
    {
        var teacher = DistillerTests.Mlp(32, 1);
        var missing = Assert.Throws<ArgumentException>(() => new Distiller(teacher, Hinted("2:7")));
        Assert.Contains("teacher has no layer '7'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'3' (Linear)", missing.Message, StringComparison.Ordinal);
        var student = Assert.Throws<ArgumentException>(() => new Distiller(teacher, Hinted("body.1:2")).Prepare(DistillerTests.Mlp(8, 2), Example()));
        Assert.Contains("student has no layer 'body.1'", student.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => HintPair.Parse("2"));
        Assert.Throws<FormatException>(() => HintPair.Parse(":3"));
        Assert.Equal(new HintPair("a.1", "b.2"), HintPair.Parse(" a.1 : b.2 "));

        var distiller = new Distiller(teacher, Hinted("2:2"));
        var bare = DistillerTests.Mlp(8, 2);
        var trainer = new Trainer(bare, new CrossEntropyLoss(), new Sgd(bare.Parameters(), new SgdOptions(0.1)), new TrainerOptions { Objective = distiller });
        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Loader(), epochs: 1));
        Assert.Contains("Distiller.Prepare", ex.Message, StringComparison.Ordinal);
    }
}
