using Descent.Compression.Distillation;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Tests.Compression.Distillation;

/// <summary>
/// The <see cref="Distiller"/> as the trainer's objective: the teacher sees exactly the student's (augmented) batch in
/// eval mode without gradients, precomputed logits give the per-batch result with one teacher pass, several teachers
/// average, the logs (hard/soft parts, agreement) are right, and the mode errors say what to do.
/// </summary>
public class DistillerTests
{
    private const int Features = 16;

    // 60 "images" [1, 4, 4] in 3 classes, batches of 16 (the last one short).
    private static TensorDataset Images(int count = 60, long seed = 3)
    {
        var blobs = SyntheticData.Blobs(count, classes: 3, features: Features, seed: seed, dtype: DType.Float64);
        return new TensorDataset(blobs.Features.Reshape(count, 1, 4, 4).Clone(), blobs.Targets);
    }

    private static DataLoader Loader(IBatchTransform? transform = null, TensorDataset? data = null) =>
        new(data ?? Images(), new DataLoaderOptions { BatchSize = 16, Shuffle = true, Seed = 5, Transform = transform });

    internal static Sequential Mlp(int hidden, long seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Descent.NN.Flatten(), new Linear(Features, hidden, dtype: DType.Float64, generator: g), new ReLU(),
            new Linear(hidden, 3, dtype: DType.Float64, generator: g));
    }

    /// <summary>Runs the wrapped model and records each call's input, mode and grad mode.</summary>
    internal sealed class Spy : Module
    {
        private readonly Module _inner;

        public Spy(Module inner) => _inner = RegisterModule("inner", inner);

        public List<(double[] Input, bool Training, bool Grad)> Calls { get; } = [];

        public override Tensor Forward(Tensor input)
        {
            lock (Calls) Calls.Add((input.ToDoubleArray(), Training, GradMode.IsEnabled));
            return _inner.Call(input);
        }
    }

    private static (Trainer Trainer, Module Model) Make(Distiller distiller, Module student, int replicas = 1)
    {
        var model = distiller.Prepare(student, Images().Features.Narrow(0, 0, 1));
        var opt = new Sgd(model.Parameters(), new SgdOptions(0.05, momentum: 0.9));
        var options = new TrainerOptions { Objective = distiller, DataParallel = replicas, Metrics = [() => new Descent.Training.Metrics.Accuracy()] };
        return (new Trainer(model, new CrossEntropyLoss(), opt, options), model);
    }

    private static double[] Weights(Module m) => [.. m.Parameters().SelectMany(p => p.ToDoubleArray())];

    [Fact]
    public void TheTeacherSeesExactlyTheStudentsAugmentedBatchInEvalModeWithoutGradients()
    {
        var teacher = new Spy(Mlp(32, 1));
        var student = new Spy(Mlp(8, 2));
        var distiller = new Distiller(teacher, new DistillationOptions { ValidationAgreement = false });
        var teacherBefore = Weights(teacher);
        var (trainer, _) = Make(distiller, student);
        trainer.Fit(Loader(new RandomHorizontalFlip()), epochs: 2);

        Assert.Null(distiller.PrecomputedLogits);   // a random transform: the teacher runs on every batch
        Assert.Equal(8, student.Calls.Count);       // 2 epochs × 4 batches
        Assert.Equal(student.Calls.Count, teacher.Calls.Count);
        for (int i = 0; i < student.Calls.Count; i++)
        {
            Assert.Equal(student.Calls[i].Input, teacher.Calls[i].Input);
            Assert.True(student.Calls[i].Training && student.Calls[i].Grad);
            Assert.False(teacher.Calls[i].Training);
            Assert.False(teacher.Calls[i].Grad);
        }
        // The flip changed some batches (so "same batch" means the augmented one) and the teacher never trained.
        var plain = new Spy(Mlp(8, 2));
        Make(new Distiller(new Spy(Mlp(32, 1)), new DistillationOptions { ValidationAgreement = false, TeacherLogits = TeacherLogitsMode.OnTheFly }), plain)
            .Trainer.Fit(Loader(), epochs: 1);
        Assert.Contains(Enumerable.Range(0, 4), i => !plain.Calls[i].Input.SequenceEqual(student.Calls[i].Input));
        Assert.Equal(teacherBefore, Weights(teacher));
    }

    [Fact]
    public void PrecomputedLogitsGiveThePerBatchResultWithOneTeacherPass()
    {
        var transform = new Normalize([0.5], [2.0]);
        var teacher = new Spy(Mlp(32, 1));
        var precomputed = new Distiller(teacher, new DistillationOptions { ValidationAgreement = false });
        var (a, studentA) = Make(precomputed, Mlp(8, 2));
        var historyA = a.Fit(Loader(transform), epochs: 3);
        Assert.NotNull(precomputed.PrecomputedLogits);
        Assert.Single(teacher.Calls);   // 60 samples: one precompute batch, no teacher call while training

        var onTheFly = new Distiller(Mlp(32, 1), new DistillationOptions { ValidationAgreement = false, TeacherLogits = TeacherLogitsMode.OnTheFly });
        var (b, studentB) = Make(onTheFly, Mlp(8, 2));
        var historyB = b.Fit(Loader(transform), epochs: 3);
        Assert.Null(onTheFly.PrecomputedLogits);
        var wa = Weights(studentA);
        var wb = Weights(studentB);
        for (int i = 0; i < wa.Length; i++) Assert.Equal(wb[i], wa[i], 1e-12);
        Assert.Equal(historyB.Series("loss"), historyA.Series("loss"), (x, y) => Math.Abs(x - y) <= 1e-12);
        Assert.NotEqual(Weights(Mlp(8, 2)), wa);

        // Precomputed rows are teacher(x_i) after the (deterministic) transform, indexed by sample.
        var data = Images();
        var x = transform.Apply(data.Features);
        using var noGrad = GradMode.Disable();
        var expected = Mlp(32, 1).Call(x).ToDoubleArray();
        var actual = precomputed.PrecomputedLogits![0].ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);
    }

    [Fact]
    public void DataParallelDistillationMatchesOneReplica()
    {
        foreach (var mode in new[] { TeacherLogitsMode.Precomputed, TeacherLogitsMode.OnTheFly })
        {
            var options = new DistillationOptions { TeacherLogits = mode, ValidationAgreement = false };
            var (one, s1) = Make(new Distiller(Mlp(32, 1), options), Mlp(8, 2));
            var h1 = one.Fit(Loader(), epochs: 2);
            var (three, s3) = Make(new Distiller(Mlp(32, 1), options), Mlp(8, 2), replicas: 3);
            var h3 = three.Fit(Loader(), epochs: 2);
            var w1 = Weights(s1);
            var w3 = Weights(s3);
            for (int i = 0; i < w1.Length; i++) Assert.True(Math.Abs(w1[i] - w3[i]) <= 1e-12, $"{mode}: element {i} {w1[i]} vs {w3[i]}");
            foreach (var key in new[] { "loss", "hard_loss", "soft_loss", "agreement" })
                Assert.Equal(h1.Series(key), h3.Series(key), (x, y) => Math.Abs(x - y) <= 1e-12);
        }
    }

    [Fact]
    public void EpochLogsHoldTheWeightedPartsAndTheAgreement()
    {
        const double T = 3, alpha = 0.3;
        var teacher = Mlp(32, 1);
        var distiller = new Distiller(teacher, new DistillationOptions { Temperature = T, Alpha = alpha });
        var student = Mlp(8, 2);
        var (trainer, _) = Make(distiller, student);
        var history = trainer.Fit(Loader(), Loader(data: Images(30, seed: 9)), epochs: 2);
        var last = history.Epochs[^1];
        foreach (var key in new[] { "loss", "hard_loss", "soft_loss", "agreement", "val_agreement", "val_loss", "val_accuracy" })
            Assert.True(last.ContainsKey(key), $"missing {key}");
        Assert.False(last.ContainsKey("hint_loss"));
        Assert.Equal(alpha * last["hard_loss"] + (1 - alpha) * last["soft_loss"], last["loss"], 1e-12);
        Assert.InRange(last["agreement"], 0, 1);

        // val_agreement: the share of validation samples where the student's argmax is the teacher's.
        var val = Images(30, seed: 9);
        using var noGrad = GradMode.Disable();
        student.Eval();
        teacher.Eval();
        var s = student.Call(val.Features).Argmax(1).ToArray<long>();
        var t = teacher.Call(val.Features).Argmax(1).ToArray<long>();
        Assert.Equal(s.Zip(t).Count(p => p.First == p.Second) / 30.0, last["val_agreement"], 12);
    }

    [Fact]
    public void SeveralTeachersAverageTheirSoftTargets()
    {
        var t1 = Mlp(32, 1);
        var t2 = Mlp(24, 7);
        var data = Images();
        var full = new DataLoader(data, 60);   // one full batch: epoch 0's loss is the loss before any update
        var distiller = new Distiller([t1, t2], new DistillationOptions { Temperature = 2, Alpha = 0.2, ValidationAgreement = false });
        var student = Mlp(8, 2);
        double expected;
        using (GradMode.Disable())
            expected = new HintonDistillationLoss(2, 0.2).Compute(student.Call(data.Features), [t1.Call(data.Features), t2.Call(data.Features)], data.Targets).Loss.Item();
        var (trainer, _) = Make(distiller, student);
        Assert.Equal(expected, trainer.Fit(full, epochs: 1).Series("loss")[0], 12);
        Assert.Equal(2, distiller.PrecomputedLogits!.Count);
    }

    [Fact]
    public void ModeErrorsSayWhatToDo()
    {
        var precomputed = new Distiller(Mlp(32, 1), new DistillationOptions { TeacherLogits = TeacherLogitsMode.Precomputed });
        var (trainer, _) = Make(precomputed, Mlp(8, 2));
        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Loader(new RandomHorizontalFlip()), epochs: 1));
        Assert.Contains("RandomHorizontalFlip", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OnTheFly", ex.Message, StringComparison.Ordinal);

        var hints = Assert.Throws<ArgumentException>(() => new Distiller(Mlp(32, 1),
            new DistillationOptions { TeacherLogits = TeacherLogitsMode.Precomputed, Hints = [new HintPair("1", "1")] }));
        Assert.Contains("cannot be precomputed", hints.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Distiller(Mlp(32, 1), new DistillationOptions { Temperature = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Distiller(Mlp(32, 1), new DistillationOptions { Alpha = -0.1 }));
        Assert.Throws<ArgumentException>(() => new Distiller(Array.Empty<Module>()));

        var wrongClasses = new Distiller(new Sequential(new Descent.NN.Flatten(), new Linear(Features, 5, dtype: DType.Float64)));
        var (t2, _) = Make(wrongClasses, Mlp(8, 2));
        var shape = Assert.Throws<ArgumentException>(() => t2.Fit(Loader(), epochs: 1));
        Assert.Contains("[16, 3]", shape.Message, StringComparison.Ordinal);
        Assert.Contains("[16, 5]", shape.Message, StringComparison.Ordinal);
    }
}
