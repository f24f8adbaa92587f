using System.Diagnostics;
using System.Globalization;
using Descent.Compression.Distillation;
using Descent.Compression.Pruning.Structured;
using Descent.Data;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Benchmarks;

/// <summary>What <see cref="PrunedDistillationBenchmark"/> prunes, fine-tunes and measures.</summary>
public sealed record PrunedDistillationSettings
{
    /// <summary>The trained model to prune (a run directory or checkpoint); it is also the distillation teacher.</summary>
    public string Teacher { get; init; } = "";

    /// <summary>The pruned model's MACs may be at most this fraction of the original's (default 0.5: halved).</summary>
    public double MacsFraction { get; init; } = 0.5;

    /// <summary>Fine-tuning epochs of each student (the same for both kinds).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Seeds; each fine-tunes both kinds once from the same pruned weights with the same batch order.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [0];

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 128;

    /// <summary>Peak learning rate of AdamW (cosine annealed to 0 over the fine-tuning, per batch).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Distillation temperature.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>Weight of the hard-label loss in the distilled fine-tune.</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Worker threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Use only the first this many training samples (null: all).</summary>
    public int? Samples { get; init; }

    /// <summary>Score on only the first this many test samples (null: all).</summary>
    public int? TestSamples { get; init; }

    /// <summary>Folder of the full Fashion-MNIST IDX files; null: the standard location, else the embedded subset.</summary>
    public string? DataDir { get; init; }

    /// <summary>Checks the values, naming the first one out of range.</summary>
    public void Validate()
    {
        if (MacsFraction is <= 0 or >= 1 || double.IsNaN(MacsFraction))
            throw new ArgumentOutOfRangeException(nameof(MacsFraction), MacsFraction, "bench distill --pruned: the MACs fraction must be in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(Batch, 1, nameof(Batch));
        if (Seeds.Count == 0) throw new ArgumentException("bench distill --pruned: at least one seed is needed.", nameof(Seeds));
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "bench distill --pruned: the learning rate must be positive.");
    }
}

/// <summary>Test accuracy and loss of one model.</summary>
/// <param name="Accuracy">Test accuracy.</param>
/// <param name="Loss">Mean test cross-entropy.</param>
public sealed record TestScore(double Accuracy, double Loss);

/// <summary>One seed's two fine-tunes of the same pruned model.</summary>
/// <param name="Seed">Batch order seed of both.</param>
/// <param name="Labels">Fine-tuned with cross-entropy on the labels alone.</param>
/// <param name="Distilled">Fine-tuned with distillation from the unpruned model.</param>
/// <param name="LabelsSeconds">Wall seconds of the labels-only fine-tune.</param>
/// <param name="DistilledSeconds">Wall seconds of the distilled fine-tune (the one-time teacher pass included for the first seed).</param>
public sealed record PrunedFineTune(long Seed, TestScore Labels, TestScore Distilled, double LabelsSeconds, double DistilledSeconds)
{
    /// <summary>Test accuracy of the distilled fine-tune minus the labels-only one.</summary>
    public double Gain => Distilled.Accuracy - Labels.Accuracy;
}

/// <summary>What <see cref="PrunedDistillationBenchmark"/> measured.</summary>
/// <param name="Amount">The structured pruning amount (fraction of each group's channels) that met the MACs target.</param>
/// <param name="Before">Parameters and MACs of the unpruned model.</param>
/// <param name="After">Parameters and MACs of the pruned model.</param>
/// <param name="Teacher">The unpruned model's test score.</param>
/// <param name="PrunedBeforeFineTune">The pruned model's test score before any fine-tuning.</param>
/// <param name="TeacherLatencyMs">Median milliseconds of the unpruned model's forward pass over one test batch.</param>
/// <param name="PrunedLatencyMs">The same for the pruned model.</param>
/// <param name="LatencyBatch">Rows of that test batch.</param>
/// <param name="Runs">Each seed's pair of fine-tunes.</param>
/// <param name="Samples">Training samples per epoch.</param>
/// <param name="TestSamples">Test samples scored.</param>
public sealed record PrunedDistillationResult(double Amount, ModelCost Before, ModelCost After, TestScore Teacher, TestScore PrunedBeforeFineTune,
    double TeacherLatencyMs, double PrunedLatencyMs, int LatencyBatch, IReadOnlyList<PrunedFineTune> Runs, int Samples, int TestSamples)
{
    /// <summary>Mean test accuracy of the labels-only fine-tunes.</summary>
    public double MeanLabels => Runs.Average(r => r.Labels.Accuracy);

    /// <summary>Mean test accuracy of the distilled fine-tunes.</summary>
    public double MeanDistilled => Runs.Average(r => r.Distilled.Accuracy);

    /// <summary>Mean gain of distillation over labels alone (the §4 target is ≥ 0).</summary>
    public double MeanGain => MeanDistilled - MeanLabels;
}

/// <summary>
/// Recovering a structurally pruned model's accuracy by fine-tuning with distillation from the unpruned model versus
/// with the labels alone (issue #13 §4; <c>descent bench distill --pruned</c>). The trained model is pruned with L1
/// channel importance, the same amount of every prunable group (<see cref="StructuredPruner"/>), at the smallest amount on
/// a 0.01 grid whose MACs (<see cref="ModelComplexity"/>) are at most the target fraction. For each seed, two copies of
/// the pruned model are fine-tuned for the same epochs with the same batch order, AdamW and a per-batch cosine schedule:
/// one with cross-entropy, one with the <see cref="Distiller"/> (the unpruned model as teacher, precomputed logits);
/// both are scored on the test set. Latencies are measured forward passes (eval mode, median of 15 after 2 warm-ups).
/// </summary>
public static class PrunedDistillationBenchmark
{
    private const int LatencyRepeats = 15;
    private const int LatencyRows = 128;

    /// <summary>Runs the benchmark on the model of <see cref="PrunedDistillationSettings.Teacher"/>.</summary>
    public static PrunedDistillationResult Measure(PrunedDistillationSettings s, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Measure(s, () => CheckpointModel.Load(s.Teacher).Model, progress);
    }

    /// <summary>
    /// Runs the benchmark on the model <paramref name="loadTeacher"/> builds: each call must return an identical fresh copy
    /// of the trained model (one becomes the teacher, the others are pruned into students).
    /// </summary>
    public static PrunedDistillationResult Measure(PrunedDistillationSettings s, Func<Module> loadTeacher, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(loadTeacher);
        ArgumentNullException.ThrowIfNull(progress);
        s.Validate();
        using var threads = ParallelFor.OverrideThreads(s.Threads);
        var location = FashionMnist.Locate(s.DataDir);
        var options = new FashionMnistOptions { Normalize = true };
        IDataset train = FashionMnist.Load(location, DataSplit.Train, options);
        if (s.Samples is int n && n < train.Count) train = new Subset(train, Enumerable.Range(0, n).ToArray());
        IDataset testSet = FashionMnist.Load(location, DataSplit.Test, options);
        if (s.TestSamples is int m && m < testSet.Count) testSet = new Subset(testSet, Enumerable.Range(0, m).ToArray());
        var test = new DataLoader(testSet, 256);
        int[] sampleShape = [.. FirstInput(test).Shape.Dims[1..]];

        var teacher = loadTeacher();
        teacher.Eval();
        var teacherScore = Score(teacher, test);
        var (amount, result) = PruneToMacs(loadTeacher, sampleShape, s.MacsFraction);
        var pruned = Prune(loadTeacher, sampleShape, amount).Model;
        var prunedScore = Score(pruned, test);
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench distill --pruned: {s.Teacher} (test accuracy {teacherScore.Accuracy:F4}) pruned by {amount:F2} of each group's channels: " +
            $"MACs {result.Before.Macs} -> {result.After.Macs} ({(double)result.After.Macs / result.Before.Macs:F3}), parameters {result.Before.Parameters} -> " +
            $"{result.After.Parameters}, test accuracy {prunedScore.Accuracy:F4} before fine-tuning; {train.Count} training / {testSet.Count} test samples, {location}"));

        var probe = LatencyBatch(test);
        // Alternate the two models' timings so background load hits both alike; keep the medians of all rounds.
        var teacherTimes = new List<double>();
        var prunedTimes = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            teacherTimes.AddRange(ForwardTimes(teacher, probe));
            prunedTimes.AddRange(ForwardTimes(pruned, probe));
        }
        double teacherLatency = Median(teacherTimes), prunedLatency = Median(prunedTimes);

        // One distiller for every seed: the teacher's logits over the training set are computed once.
        var distiller = new Distiller(teacher, new DistillationOptions
        {
            Temperature = s.Temperature, Alpha = s.Alpha, TeacherLogits = TeacherLogitsMode.Precomputed, ValidationAgreement = false,
        });
        var runs = new List<PrunedFineTune>();
        foreach (var seed in s.Seeds)
        {
            var (labels, labelsSeconds) = FineTune(Prune(loadTeacher, sampleShape, amount).Model, null, train, test, s, seed);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seed {seed}: labels    test accuracy {labels.Accuracy:F4} loss {labels.Loss:F4} ({labelsSeconds:F0} s)"));
            var (distilled, distilledSeconds) = FineTune(Prune(loadTeacher, sampleShape, amount).Model, distiller, train, test, s, seed);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seed {seed}: distilled test accuracy {distilled.Accuracy:F4} loss {distilled.Loss:F4} ({distilledSeconds:F0} s)"));
            runs.Add(new PrunedFineTune(seed, labels, distilled, labelsSeconds, distilledSeconds));
        }
        return new PrunedDistillationResult(amount, result.Before, result.After, teacherScore, prunedScore, teacherLatency, prunedLatency,
            probe.Shape[0], runs, train.Count, testSet.Count);
    }

    /// <summary>
    /// The smallest amount on a 0.01 grid whose L1 structured pruning of a fresh copy leaves at most
    /// <paramref name="fraction"/> of the MACs, with that pruning's record.
    /// </summary>
    public static (double Amount, StructuredPruningResult Result) PruneToMacs(Func<Module> load, int[] sampleShape, double fraction)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(sampleShape);
        // MACs fall monotonically with the amount, so bisect over the grid's steps 1..99.
        int lo = 1, hi = 99;
        StructuredPruningResult? best = null;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            var r = Prune(load, sampleShape, mid / 100.0).Result;
            if (r.After.Macs <= fraction * r.Before.Macs) (hi, best) = (mid, r);
            else lo = mid + 1;
        }
        // best is the pruning at hi whenever one met the target; if none did, hi is still the unchecked 0.99.
        best ??= Prune(load, sampleShape, hi / 100.0).Result;
        if (best.After.Macs > fraction * best.Before.Macs)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"structured pruning cannot bring the model's MACs down to {fraction:F2} of {best.Before.Macs} (at most 0.99 of each group's channels)."));
        return (lo / 100.0, best);
    }

    private static (Module Model, StructuredPruningResult Result) Prune(Func<Module> load, int[] sampleShape, double amount)
    {
        var model = load();
        var result = new StructuredPruner(new StructuredPruningOptions { Amount = amount, Criterion = ImportanceCriterion.L1 }).Prune(model, sampleShape);
        return (model, result);
    }

    // E epochs of AdamW (weight decay 5e-4) with a per-batch cosine schedule from the peak rate to 0, then the test score.
    private static (TestScore Score, double Seconds) FineTune(Module student, Distiller? distiller, IDataset train, DataLoader test,
        PrunedDistillationSettings s, long seed)
    {
        var loader = new DataLoader(train, s.Batch, shuffle: true, seed: seed);
        var optimizer = new AdamW(student.Parameters(), new AdamWOptions(s.LearningRate, weightDecay: 5e-4));
        var schedule = new LrScheduler(optimizer, new CosineAnnealingLR(s.Epochs * loader.BatchCount(0)), ScheduleInterval.Batch);
        var trainer = new Trainer(student, new CrossEntropyLoss(), optimizer, new TrainerOptions { Objective = distiller })
            .With(new LrSchedulerCallback(schedule));
        var clock = Stopwatch.StartNew();
        trainer.Fit(loader, epochs: s.Epochs);
        double seconds = clock.Elapsed.TotalSeconds;
        return (Score(student, test), seconds);
    }

    private static TestScore Score(Module model, DataLoader test)
    {
        var r = ModelEvaluation.Evaluate(model, new CrossEntropyLoss(), test, [() => new Accuracy()]);
        return new TestScore(r.Metrics["accuracy"], r.Metrics["loss"]);
    }

    private static Tensor FirstInput(DataLoader loader)
    {
        foreach (var (x, _) in loader.Epoch(0)) return x.Clone();
        throw new InvalidOperationException("bench distill --pruned: the test set is empty.");
    }

    private static Tensor LatencyBatch(DataLoader test)
    {
        var x = FirstInput(test);
        return x.Shape[0] <= LatencyRows ? x : x.Narrow(0, 0, LatencyRows).Contiguous();
    }

    // Milliseconds of LatencyRepeats forward passes over batch (eval mode, no gradients) after two warm-up passes.
    private static List<double> ForwardTimes(Module model, Tensor batch)
    {
        bool wasTraining = model.Training;
        model.Eval();
        var times = new List<double>();
        try
        {
            using var noGrad = GradMode.Disable();
            for (int i = -2; i < LatencyRepeats; i++)
            {
                using var scope = StepScope.Begin();
                long start = Stopwatch.GetTimestamp();
                model.Call(batch);
                if (i >= 0) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
