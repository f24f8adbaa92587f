using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Trace;
using Descent.Data;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Experiments;
using Descent.Training.Metrics;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench train</c>: trains a <see cref="ModelPresets"/> model on Fashion-MNIST (pre-loaded in memory) with
/// Adam and cross-entropy through the ordinary <see cref="Trainer"/>/<see cref="DataLoader"/> path and reports
/// steady-state samples/s, managed bytes allocated per step and the test accuracy. bench/compare/train.sh runs it
/// side by side with PyTorch (bench/compare/train_torch.py).
/// </summary>
public static class TrainBench
{
    private const string Usage =
        "usage: descent bench train --model mlp|mlp-bn|lenet5|cnn-small|resnet-small [--batch B] [--threads T] [--epochs E | --steps S]\n" +
        "                           [--warmup W] [--warmup-seconds SEC] [--lr LR] [--schedule constant|cosine] [--seed N]\n" +
        "                           [--data-parallel N] [--data-dir DIR] [--json]\n" +
        "  Adam(lr, default 1e-3), CrossEntropyLoss, shuffled batches of B (default 64) of Fashion-MNIST normalized with\n" +
        "  the standard mean/std, held in memory (the full set from --data-dir or /usr/share/datasets/fashion-mnist, else\n" +
        "  the embedded subset), through Trainer.Fit and DataLoader. Timing starts after W steps (default 100) and SEC\n" +
        "  seconds (default 3 with --steps, 0 with --epochs) of warm-up, so tiered JIT compilation has settled.\n" +
        "  --steps S (default 1000) times S steps; --epochs E trains E whole epochs and times every step after the warm-up.\n" +
        "  samples_per_sec counts the timed steps; alloc_bytes_per_step is GC.GetTotalAllocatedBytes(precise) over them\n" +
        "  (all threads); test_accuracy is measured on the whole test split at the end. --schedule cosine (with --epochs)\n" +
        "  anneals the learning rate per step to 0 over the run. --data-parallel N splits each batch over N replicas\n" +
        "  (TrainerOptions.DataParallel).";

    private static readonly string[] Valued =
        ["--model", "--batch", "--threads", "--epochs", "--steps", "--warmup", "--warmup-seconds", "--lr", "--schedule", "--seed", "--data-parallel", "--data-dir"];

    /// <summary>The <c>train</c> subcommand of <c>bench</c>: hands its raw arguments to <see cref="Run(string[])"/>.</summary>
    public static Command Create() =>
        RawArgsCommand.Create("train", "Training throughput, allocations per step and test accuracy of a preset model (compare with bench/compare/train.sh).", Usage, Run);

    /// <summary>Runs the benchmark; returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmark writing results to <paramref name="output"/> and progress to <paramref name="errors"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        Settings s;
        try
        {
            var a = new ArgReader("descent bench train", args, Valued, ["--json"]);
            if (a.Flag("--help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            s = Settings.From(a);
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }

        // Scoped to this thread (the benchmark trains on it): tests run the command in-process beside other tests.
        using var threads = ParallelFor.OverrideThreads(s.Threads);
        try
        {
            var result = Measure(s, errors);
            output.WriteLine(s.Json ? result.ToJson() : result.ToText());
            return 0;
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            return 1;
        }
    }

    private static Result Measure(Settings s, TextWriter progress)
    {
        var dataOptions = new FashionMnistOptions { Normalize = true };
        var location = FashionMnist.Locate(s.DataDir);
        var train = FashionMnist.Load(location, DataSplit.Train, dataOptions);
        var test = FashionMnist.Load(location, DataSplit.Test, dataOptions);
        progress.WriteLine($"bench train: {s.Model}, batch {s.Batch}, {s.Threads} thread(s), {location}");

        var model = ModelPresets.Create(s.Model, generator: new Generator(s.Seed));
        var optimizer = new Adam(model.Parameters(), new AdamOptions(s.Lr));
        var loss = new CrossEntropyLoss();
        var loader = new DataLoader(train, s.Batch, shuffle: true, seed: s.Seed);
        int perEpoch = loader.BatchCount(0);
        // Steps mode: as many epochs as it takes; the timer stops training after the timed steps.
        int epochs = s.Epochs ?? int.MaxValue;
        long totalSteps = s.Epochs is null ? long.MaxValue : (long)perEpoch * s.Epochs.Value;
        if (s.Epochs is not null && totalSteps <= s.Warmup)
            throw new UserErrorException($"descent bench train: {epochs} epoch(s) of {perEpoch} steps leave nothing to time after {s.Warmup} warm-up steps.");

        var timer = new StepTimer(s.Warmup, s.WarmupSeconds, s.Epochs is null ? s.Steps : null, totalSteps,
            s.Schedule == "cosine" ? s.Lr : null);
        var trainer = new Trainer(model, loss, optimizer, new TrainerOptions { DataParallel = s.DataParallel }).With(timer);
        trainer.Fit(loader, epochs: epochs);
        if (timer.TimedSteps == 0)
            throw new UserErrorException("descent bench train: training ended during the warm-up; nothing was timed.");

        var evaluator = new Trainer(model, loss, optimizer, new TrainerOptions { Metrics = [() => new Accuracy()] });
        var eval = evaluator.Evaluate(new DataLoader(test, 1000));
        int epochsRun = (int)((trainer.LastContext!.GlobalStep + perEpoch - 1) / perEpoch);
        return new Result(s, timer.SamplesPerSecond, timer.AllocatedPerStep, eval.Metrics["accuracy"], timer.TimedSteps,
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

    private sealed record Result(Settings S, double SamplesPerSec, double AllocPerStep, double TestAccuracy, long Steps,
        double Seconds, int Epochs)
    {
        public string ToJson() => string.Create(CultureInfo.InvariantCulture,
            $"{{\"model\":\"{S.Model}\",\"batch\":{S.Batch},\"threads\":{S.Threads},\"samples_per_sec\":{SamplesPerSec:F1}," +
            $"\"alloc_bytes_per_step\":{AllocPerStep:F0},\"test_accuracy\":{TestAccuracy:F4},\"steps\":{Steps}," +
            $"\"seconds\":{Seconds:F3},\"epochs\":{Epochs},\"data_parallel\":{S.DataParallel},\"lr\":{S.Lr:G6}," +
            $"\"schedule\":\"{S.Schedule}\"}}");

        public string ToText() => string.Create(CultureInfo.InvariantCulture,
            $"{S.Model} batch={S.Batch} threads={S.Threads} data-parallel={S.DataParallel} simd={KernelConfig.Simd}: " +
            $"{SamplesPerSec,10:F0} samples/s  {AllocPerStep,8:F0} B/step  test accuracy {TestAccuracy:F4}  " +
            $"({Steps} timed steps in {Seconds:F2} s, {Epochs} epoch(s))");
    }

    private sealed record Settings(string Model, int Batch, int Threads, int? Epochs, int Steps, int Warmup, double WarmupSeconds, double Lr,
        string Schedule, long Seed, int DataParallel, string? DataDir, bool Json)
    {
        public static Settings From(ArgReader a)
        {
            string model = a.Text("--model") ?? throw new UserErrorException("descent bench train: --model is required.");
            if (!ModelPresets.Names.Contains(model))
                throw new UserErrorException($"descent bench train: unknown model '{model}' ({string.Join(", ", ModelPresets.Names)}).");
            int? epochs = a.Count("--epochs");
            int? steps = a.Count("--steps");
            if (epochs is not null && steps is not null)
                throw new UserErrorException("descent bench train: give --epochs or --steps, not both.");
            double lr = a.Number("--lr") ?? 1e-3;
            if (!(lr > 0)) throw new UserErrorException($"descent bench train: --lr must be positive, got {lr}.");
            string schedule = a.Text("--schedule") ?? "constant";
            if (schedule is not ("constant" or "cosine"))
                throw new UserErrorException($"descent bench train: --schedule must be constant or cosine, got '{schedule}'.");
            double warmupSeconds = a.Number("--warmup-seconds") ?? (epochs is null ? 3 : 0);
            if (warmupSeconds < 0) throw new UserErrorException($"descent bench train: --warmup-seconds must be ≥ 0, got {warmupSeconds}.");
            if (schedule == "cosine" && epochs is null)
                throw new UserErrorException("descent bench train: --schedule cosine needs --epochs (it anneals over the whole run).");
            string? dataDir = a.Text("--data-dir");
            if (dataDir is not null && !Directory.Exists(dataDir))
                throw new UserErrorException($"descent bench train: --data-dir {dataDir} does not exist.");
            return new Settings(model, a.Count("--batch") ?? 64, a.Count("--threads") ?? ParallelFor.Threads, epochs,
                steps ?? 1000, a.Count("--warmup", min: 0) ?? 100, warmupSeconds, lr, schedule, (long)(a.Number("--seed") ?? 0),
                a.Count("--data-parallel") ?? 1, dataDir, a.Flag("--json"));
        }
    }
}
