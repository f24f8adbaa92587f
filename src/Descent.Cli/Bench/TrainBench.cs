using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Descent.Benchmarks;
using Descent.Experiments;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench train</c>: trains a <see cref="ModelPresets"/> model on Fashion-MNIST (pre-loaded in memory) with
/// Adam and cross-entropy through the ordinary Trainer/DataLoader path (<see cref="TrainingBenchmark"/>) and reports
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

        try
        {
            var result = new Result(s, TrainingBenchmark.Measure(s.ToBenchmark(), errors));
            output.WriteLine(s.Json ? result.ToJson() : result.ToText());
            return 0;
        }
        catch (ArgumentException e)
        {
            errors.WriteLine($"descent bench train: {e.Message}");
            return 1;
        }
    }

    private sealed record Result(Settings S, TrainingBenchmarkResult R)
    {
        public string ToJson() => string.Create(CultureInfo.InvariantCulture,
            $"{{\"model\":\"{S.Model}\",\"batch\":{S.Batch},\"threads\":{S.Threads},\"samples_per_sec\":{R.SamplesPerSecond:F1}," +
            $"\"alloc_bytes_per_step\":{R.AllocatedBytesPerStep:F0},\"test_accuracy\":{R.TestAccuracy:F4},\"steps\":{R.TimedSteps}," +
            $"\"seconds\":{R.Seconds:F3},\"epochs\":{R.Epochs},\"data_parallel\":{S.DataParallel},\"lr\":{S.Lr:G6}," +
            $"\"schedule\":\"{S.Schedule}\"}}");

        public string ToText() => string.Create(CultureInfo.InvariantCulture,
            $"{S.Model} batch={S.Batch} threads={S.Threads} data-parallel={S.DataParallel} simd={BenchmarkMachine.Simd}: " +
            $"{R.SamplesPerSecond,10:F0} samples/s  {R.AllocatedBytesPerStep,8:F0} B/step  test accuracy {R.TestAccuracy:F4}  " +
            $"({R.TimedSteps} timed steps in {R.Seconds:F2} s, {R.Epochs} epoch(s))");
    }

    private sealed record Settings(string Model, int Batch, int Threads, int? Epochs, int Steps, int Warmup, double WarmupSeconds, double Lr,
        string Schedule, long Seed, int DataParallel, string? DataDir, bool Json)
    {
        public TrainingBenchmarkSettings ToBenchmark() => new()
        {
            Model = Model, Batch = Batch, Threads = Threads, Epochs = Epochs, Steps = Steps, Warmup = Warmup,
            WarmupSeconds = WarmupSeconds, Lr = Lr, Cosine = Schedule == "cosine", Seed = Seed, DataParallel = DataParallel,
            DataDir = DataDir,
        };

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
            return new Settings(model, a.Count("--batch") ?? 64, a.Count("--threads") ?? BenchmarkMachine.Threads, epochs,
                steps ?? 1000, a.Count("--warmup", min: 0) ?? 100, warmupSeconds, lr, schedule, (long)(a.Number("--seed") ?? 0),
                a.Count("--data-parallel") ?? 1, dataDir, a.Flag("--json"));
        }
    }
}
