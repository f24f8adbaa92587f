using System.Diagnostics;
using Descent.Data;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Metrics;

namespace Descent.Benchmarks;

/// <summary>What <see cref="TrainingBenchmark"/> trains and how long it times.</summary>
public sealed record TrainingBenchmarkSettings
{
    /// <summary>A <see cref="ModelPresets"/> name.</summary>
    public required string Model { get; init; }

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Worker threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Whole epochs to train (every step after the warm-up is timed); null: time <see cref="Steps"/> steps.</summary>
    public int? Epochs { get; init; }

    /// <summary>Steps timed when <see cref="Epochs"/> is null.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Untimed steps first, so tiered JIT compilation has settled.</summary>
    public int Warmup { get; init; } = 100;

    /// <summary>Minimum warm-up time, in seconds, on top of <see cref="Warmup"/> steps.</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>Adam's learning rate.</summary>
    public double Lr { get; init; } = 1e-3;

    /// <summary>Anneal the learning rate per step to 0 over the run (cosine; needs <see cref="Epochs"/>).</summary>
    public bool Cosine { get; init; }

    /// <summary>Seed of the model's initialisation and of the shuffling.</summary>
    public long Seed { get; init; }

    /// <summary>Replicas each batch is split over (<see cref="TrainerOptions.DataParallel"/>).</summary>
    public int DataParallel { get; init; } = 1;

    /// <summary>Folder of the full Fashion-MNIST IDX files; null: the standard location, else the embedded subset.</summary>
    public string? DataDir { get; init; }
}

/// <summary>What <see cref="TrainingBenchmark"/> measured.</summary>
/// <param name="SamplesPerSecond">Samples per second over the timed steps.</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per timed step (all threads).</param>
/// <param name="TestAccuracy">Accuracy on the whole test split at the end.</param>
/// <param name="TimedSteps">Steps timed.</param>
/// <param name="Seconds">Time of the timed steps.</param>
/// <param name="Epochs">Epochs started.</param>
public sealed record TrainingBenchmarkResult(double SamplesPerSecond, double AllocatedBytesPerStep, double TestAccuracy, long TimedSteps,
    double Seconds, int Epochs);

/// <summary>
/// Trains a <see cref="ModelPresets"/> model on Fashion-MNIST (pre-loaded in memory, normalized) with Adam and
/// cross-entropy through the ordinary <see cref="Trainer"/>/<see cref="DataLoader"/> path and measures steady-state
/// samples/s, managed bytes allocated per step and the test accuracy (<c>descent bench train</c>; bench/compare/train.sh
/// runs the same with PyTorch).
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> receives one line naming the model and the data.</summary>
    /// <exception cref="ArgumentException">The settings leave nothing to time (epochs shorter than the warm-up).</exception>
    public static TrainingBenchmarkResult Measure(TrainingBenchmarkSettings s, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(progress);
        if (s.Cosine && s.Epochs is null)
            throw new ArgumentException("a cosine schedule needs epochs (it anneals over the whole run).");
        // Scoped to this thread (the benchmark trains on it): tests run the benchmark in-process beside other tests.
        using var threads = ParallelFor.OverrideThreads(s.Threads);
        var dataOptions = new FashionMnistOptions { Normalize = true };
        var location = FashionMnist.Locate(s.DataDir);
        var train = FashionMnist.Load(location, DataSplit.Train, dataOptions);
        var test = FashionMnist.Load(location, DataSplit.Test, dataOptions);
        progress.WriteLine($"bench train: {s.Model}, batch {s.Batch}, {s.Threads} thread(s), {location}");

        var model = ModelPresets.Create(s.Model, generator: new Generator(s.Seed));
        var optimizer = OptimizerFactory.Create("Adam", model.Parameters(), new Dictionary<string, object?> { ["lr"] = s.Lr });
        var loss = new CrossEntropyLoss();
        var loader = new DataLoader(train, s.Batch, shuffle: true, seed: s.Seed);
        int perEpoch = loader.BatchCount(0);
        // Steps mode: as many epochs as it takes; the timer stops training after the timed steps.
        int epochs = s.Epochs ?? int.MaxValue;
        long totalSteps = s.Epochs is null ? long.MaxValue : (long)perEpoch * s.Epochs.Value;
        if (s.Epochs is not null && totalSteps <= s.Warmup)
            throw new ArgumentException($"{epochs} epoch(s) of {perEpoch} steps leave nothing to time after {s.Warmup} warm-up steps.");

        var timer = new StepTimer(s.Warmup, s.WarmupSeconds, s.Epochs is null ? s.Steps : null, totalSteps, s.Cosine ? s.Lr : null);
        var trainer = new Trainer(model, loss, optimizer, new TrainerOptions { DataParallel = s.DataParallel }).With(timer);
        trainer.Fit(loader, epochs: epochs);
        if (timer.TimedSteps == 0)
            throw new ArgumentException("training ended during the warm-up; nothing was timed.");

        var evaluator = new Trainer(model, loss, optimizer, new TrainerOptions { Metrics = [() => new Accuracy()] });
        var eval = evaluator.Evaluate(new DataLoader(test, 1000));
        int epochsRun = (int)((trainer.LastContext!.GlobalStep + perEpoch - 1) / perEpoch);
        return new TrainingBenchmarkResult(timer.SamplesPerSecond, timer.AllocatedPerStep, eval.Metrics["accuracy"], timer.TimedSteps,
            timer.Seconds, epochsRun);
    }

    /// <summary>
    /// Times the steps after the warm-up (at least <c>warmupSteps</c> steps and <c>warmupSeconds</c> seconds, so
    /// tiered JIT compilation has reached its optimized code), counts their allocations, stops training after
    /// <c>timedSteps</c> steps when given, and optionally anneals the learning rate.
    /// </summary>
    private sealed class StepTimer(int warmupSteps, double warmupSeconds, int? timedSteps, long totalSteps, double? cosineBaseLr)
        : ICallback
    {
        private readonly Stopwatch _warmup = new(), _clock = new();
        private long _startBytes, _endBytes, _samples;
        private bool _timing;

        public long TimedSteps { get; private set; }

        public double Seconds => _clock.Elapsed.TotalSeconds;

        public double SamplesPerSecond => _samples / Seconds;

        public double AllocatedPerStep => TimedSteps == 0 ? 0 : (double)(_endBytes - _startBytes) / TimedSteps;

        public void OnTrainBegin(TrainingContext context) => _warmup.Restart();

        public void OnBatchBegin(TrainingContext context)
        {
            if (cosineBaseLr is double lr)
            {
                // Cosine annealing to 0 over the run (SGDR without restarts, Loshchilov & Hutter 2017).
                double rate = 0.5 * lr * (1 + Math.Cos(Math.PI * context.GlobalStep / totalSteps));
                foreach (var g in context.Optimizer.ParamGroups) g.Lr = rate;
            }
        }

        public void OnBatchEnd(TrainingContext context)
        {
            long done = context.GlobalStep + 1;
            if (!_timing)
            {
                if (done >= warmupSteps && _warmup.Elapsed.TotalSeconds >= warmupSeconds)
                {
                    _timing = true;
                    _startBytes = GC.GetTotalAllocatedBytes(precise: true);
                    _clock.Restart();
                }
                return;
            }
            _samples += context.BatchSize;
            TimedSteps++;
            if (TimedSteps == timedSteps || done >= totalSteps)
            {
                _clock.Stop();
                _endBytes = GC.GetTotalAllocatedBytes(precise: true);
                _timing = false;
                context.StopTraining = true;
            }
        }
    }
}
