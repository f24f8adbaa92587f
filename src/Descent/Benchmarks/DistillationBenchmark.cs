using System.Diagnostics;
using System.Globalization;
using Descent.Compression.Distillation;
using Descent.Data;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Benchmarks;

/// <summary>What <see cref="DistillationBenchmark"/> trains and times.</summary>
public sealed record DistillationBenchmarkSettings
{
    /// <summary>Teacher run directory or checkpoint; null: a freshly initialized cnn-small (its weights do not change the cost).</summary>
    public string? Teacher { get; init; }

    /// <summary>Hidden widths of the MLP student.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128];

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 128;

    /// <summary>Timed epochs per kind and round (after one warm-up epoch).</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Rounds; each trains every kind once, alternating, so background load hits each alike.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Worker threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Also time distillation running the teacher on every batch.</summary>
    public bool OnTheFly { get; init; }

    /// <summary>Use only the first this many training samples (null: all).</summary>
    public int? Samples { get; init; }

    /// <summary>Seed of the student's initialisation and of the shuffling.</summary>
    public long Seed { get; init; }

    /// <summary>Folder of the full Fashion-MNIST IDX files; null: the standard location, else the embedded subset.</summary>
    public string? DataDir { get; init; }
}

/// <summary>What <see cref="DistillationBenchmark"/> measured: median seconds per timed epoch of each kind.</summary>
/// <param name="PlainEpochSeconds">Plain cross-entropy training of the student.</param>
/// <param name="PrecomputedEpochSeconds">Distillation with the teacher's logits precomputed.</param>
/// <param name="OnTheFlyEpochSeconds">Distillation running the teacher on every batch (null when not timed).</param>
/// <param name="PrecomputeSeconds">The one-time teacher pass over the training set (first round; later rounds reuse its logits).</param>
/// <param name="Samples">Training samples per epoch.</param>
public sealed record DistillationBenchmarkResult(double PlainEpochSeconds, double PrecomputedEpochSeconds, double? OnTheFlyEpochSeconds,
    double PrecomputeSeconds, int Samples)
{
    /// <summary>A precomputed-logits distillation epoch over a plain epoch (the target is ≤ 1.1).</summary>
    public double PrecomputedRatio => PrecomputedEpochSeconds / PlainEpochSeconds;

    /// <summary>A teacher-per-batch distillation epoch over a plain epoch (null when not timed).</summary>
    public double? OnTheFlyRatio => OnTheFlyEpochSeconds / PlainEpochSeconds;
}

/// <summary>
/// The cost of a distillation epoch against a plain training epoch of the same student (an MLP) on Fashion-MNIST held in
/// memory (normalized): with the teacher's logits precomputed once, and optionally with the teacher run on every batch
/// (<c>descent bench distill</c>; bench/compare/distill.sh adds the accuracy side). Each kind trains one warm-up epoch
/// and <see cref="DistillationBenchmarkSettings.Epochs"/> timed ones per round with Adam(1e-3); the medians are kept.
/// </summary>
public static class DistillationBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> receives a line per round and kind.</summary>
    public static DistillationBenchmarkResult Measure(DistillationBenchmarkSettings s, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfLessThan(s.Epochs, 1, nameof(s.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.Rounds, 1, nameof(s.Rounds));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.Batch, 1, nameof(s.Batch));
        using var threads = ParallelFor.OverrideThreads(s.Threads);
        var location = FashionMnist.Locate(s.DataDir);
        IDataset train = FashionMnist.Load(location, DataSplit.Train, new FashionMnistOptions { Normalize = true });
        if (s.Samples is int n && n < train.Count) train = new Subset(train, Enumerable.Range(0, n).ToArray());
        var teacher = s.Teacher is null ? ModelPresets.Create("cnn-small", generator: new Generator(s.Seed + 1)) : CheckpointModel.Load(s.Teacher).Model;
        progress.WriteLine($"bench distill: mlp [{string.Join(", ", s.Hidden)}] student, {s.Teacher ?? "fresh cnn-small"} teacher, batch {s.Batch}, {s.Threads} thread(s), {location}");
        var kinds = s.OnTheFly ? new[] { Kind.Plain, Kind.Precomputed, Kind.OnTheFly } : [Kind.Plain, Kind.Precomputed];
        var epochSeconds = kinds.ToDictionary(k => k, _ => new List<double>());
        // One distiller per kind for all rounds: the precomputed one computes the teacher's logits in its first round only.
        var distillers = kinds.ToDictionary(k => k, k => k switch
        {
            Kind.Precomputed => new Distiller(teacher, new DistillationOptions { TeacherLogits = TeacherLogitsMode.Precomputed, ValidationAgreement = false }),
            Kind.OnTheFly => new Distiller(teacher, new DistillationOptions { TeacherLogits = TeacherLogitsMode.OnTheFly, ValidationAgreement = false }),
            _ => null,
        });
        double precompute = double.NaN;
        for (int round = 0; round < s.Rounds; round++)
        {
            foreach (var kind in kinds)
            {
                var student = ModelPresets.Create("mlp", hidden: s.Hidden, generator: new Generator(s.Seed));
                var trainer = new Trainer(student, new CrossEntropyLoss(), new Adam(student.Parameters(), new AdamOptions(1e-3)),
                    new TrainerOptions { Objective = distillers[kind] });
                var clock = Stopwatch.StartNew();
                var seconds = trainer.Fit(new DataLoader(train, s.Batch, shuffle: true, seed: s.Seed), epochs: s.Epochs + 1).Series("seconds");
                // The first precomputed Fit's time outside its epochs is the one-time teacher pass.
                if (kind == Kind.Precomputed && round == 0) precompute = clock.Elapsed.TotalSeconds - seconds.Sum();
                epochSeconds[kind].AddRange(seconds.Skip(1));
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round + 1}/{s.Rounds} {Name(kind),-12} epochs {string.Join(" ", seconds.Skip(1).Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} s"));
            }
        }
        return new DistillationBenchmarkResult(Median(epochSeconds[Kind.Plain]), Median(epochSeconds[Kind.Precomputed]),
            s.OnTheFly ? Median(epochSeconds[Kind.OnTheFly]) : null, precompute, train.Count);
    }

    /// <summary>What one timed training does: plain cross-entropy, or distillation with either teacher-logit mode.</summary>
    private enum Kind { Plain, Precomputed, OnTheFly }

    private static string Name(Kind kind) => kind switch
    {
        Kind.Plain => "plain",
        Kind.Precomputed => "precomputed",
        _ => "on_the_fly",
    };

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
