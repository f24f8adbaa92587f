using Descent.Compression.Distillation;
using Descent.Compression.Pruning.Structured;
using Descent.Compression.Quantization;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Metrics;

namespace Descent.Tests.Compression.Distillation;

/// <summary>
/// Compressed students (issue #13 §2) on the embedded Fashion-MNIST subset: a quantization-aware (QAT-prepared) student
/// distilled with the <see cref="Distiller"/> then converted to int8, and a structurally pruned copy of the teacher
/// distilled from the unpruned model (the usual way to recover accuracy after pruning). Both are ordinary modules to the
/// trainer: the distillation loss falls, and the result evaluates.
/// </summary>
public class CompressedStudentTests
{
    private static readonly FashionMnistOptions Embedded = new() { Source = FashionMnistSource.Embedded, Normalize = true };

    private static IDataset Train(int count) =>
        new Subset(FashionMnist.Load(DataSplit.Train, options: Embedded), Enumerable.Range(0, count).ToArray());

    private static DataLoader Test() =>
        new(new Subset(FashionMnist.Load(DataSplit.Test, options: Embedded), Enumerable.Range(0, 400).ToArray()), 200);

    private static DataLoader Loader(IDataset data, long seed) => new(data, 50, shuffle: true, seed: seed);

    // A small CNN: conv(8) → BN → ReLU → pool → conv(16) → BN → ReLU → pool → Linear(32) → ReLU → Linear(10).
    private static Sequential Cnn(long seed)
    {
        var g = new Generator(seed);
        return new Sequential(
            new Conv2d(1, 8, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
            new Descent.NN.Flatten(), new Linear(16 * 7 * 7, 32, generator: g), new ReLU(), new Linear(32, 10, generator: g));
    }

    // The teacher: the CNN trained for three epochs on 1000 images (test accuracy well above chance).
    private static Sequential Teacher()
    {
        var teacher = Cnn(1);
        var trainer = new Trainer(teacher, new CrossEntropyLoss(), new Adam(teacher.Parameters(), new AdamOptions(3e-3)));
        trainer.Fit(Loader(Train(1000), 2), epochs: 3);
        teacher.Eval();
        return teacher;
    }

    private static double Accuracy(Module model) =>
        ModelEvaluation.Evaluate(model, new CrossEntropyLoss(), Test(), [() => new Accuracy()]).Metrics["accuracy"];

    private static History Distill(Module teacher, Module student, int epochs, double lr)
    {
        var distiller = new Distiller(teacher, new DistillationOptions { Temperature = 4, Alpha = 0.1, ValidationAgreement = false });
        var trainer = new Trainer(student, new CrossEntropyLoss(), new Adam(student.Parameters(), new AdamOptions(lr)),
            new TrainerOptions { Objective = distiller });
        var history = trainer.Fit(Loader(Train(1000), 7), epochs: epochs);
        Assert.NotNull(distiller.PrecomputedLogits);   // no augmentation: the teacher ran once
        return history;
    }

    [Fact]
    public void AQuantizationAwareStudentDistillsAndConvertsToInt8()
    {
        var teacher = Teacher();
        double teacherAccuracy = Accuracy(teacher);
        Assert.True(teacherAccuracy > 0.6, $"teacher test accuracy {teacherAccuracy}");

        // The student starts untrained: a few training-mode passes settle its BatchNorm statistics before they are folded.
        var student = Cnn(5);
        using (GradMode.Disable())
            foreach (var (x, _) in Loader(Train(200), 3).Epoch(0)) student.Call(x);
        var qat = Quantizer.PrepareQat(student, new QuantizationOptions(MinConvChannels: 8));
        Assert.Equal(4, qat.NamedModules().Select(m => m.Module).OfType<ObservedLayer>().Count(l => l.FakeQuantize));

        var history = Distill(teacher, qat, epochs: 3, lr: 2e-3);
        var loss = history.Series("loss");
        var soft = history.Series("soft_loss");
        var agreement = history.Series("agreement");
        Assert.True(loss[^1] < 0.7 * loss[0], $"distillation loss {string.Join(", ", loss)}");
        Assert.True(soft[^1] < soft[0], $"soft loss {string.Join(", ", soft)}");
        Assert.True(agreement[^1] > agreement[0], $"agreement {string.Join(", ", agreement)}");

        double fakeQuantized = Accuracy(qat);
        Tensor probe = Test().Epoch(0).First().Features.Clone();
        Tensor fakeOutput;
        qat.Eval();
        using (GradMode.Disable()) fakeOutput = qat.Call(probe);
        var result = Quantizer.Convert(qat);
        Assert.Equal(4, result.Converted.Count());
        Assert.Empty(result.KeptFloat);
        Assert.All(result.Model.NamedModules().Select(m => m.Module), m => Assert.IsNotType<ObservedLayer>(m));

        // The int8 model evaluates, computes what the fake-quantized student computed, and learned from the teacher.
        double int8 = Accuracy(result.Model);
        Tensor int8Output;
        using (GradMode.Disable()) int8Output = result.Model.Call(probe);
        var agree = fakeOutput.Argmax(1).ToDoubleArray().Zip(int8Output.Argmax(1).ToDoubleArray()).Count(p => p.First == p.Second);
        Assert.True(agree >= 0.97 * probe.Shape[0], $"int8 and fake-quantized predictions agree on {agree} of {probe.Shape[0]}");
        Assert.True(Math.Abs(int8 - fakeQuantized) <= 0.03, $"int8 accuracy {int8} vs fake-quantized {fakeQuantized}");
        Assert.True(int8 > 0.6, $"int8 student test accuracy {int8} (teacher {teacherAccuracy})");
    }

    [Fact]
    public void APrunedCopyOfTheTeacherRecoversByDistillation()
    {
        var teacher = Teacher();
        double teacherAccuracy = Accuracy(teacher);
        var student = Teacher();   // an identical copy (same seeds), pruned below
        var pruning = new StructuredPruner(new StructuredPruningOptions { Amount = 0.75 }).Prune(student, [1, 28, 28]);
        Assert.True(pruning.After.Macs < pruning.Before.Macs / 4, $"MACs {pruning.Before.Macs} → {pruning.After.Macs}");
        double pruned = Accuracy(student);
        var shapes = student.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToString())).ToList();

        var history = Distill(teacher, student, epochs: 2, lr: 1e-3);
        var loss = history.Series("loss");
        Assert.True(loss[^1] < loss[0], $"distillation loss {string.Join(", ", loss)}");
        // The student keeps its pruned shapes (the optimizer trained the smaller layers) and gets its accuracy back.
        Assert.Equal(shapes, student.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToString())).ToList());
        double recovered = Accuracy(student);
        Assert.True(recovered > pruned + 0.02, $"pruned {pruned} → distilled {recovered} (teacher {teacherAccuracy})");
    }
}
