using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench distill</c>: the cost of a distillation epoch against a plain training epoch of the same student
/// (an MLP, default one hidden layer of 128) on Fashion-MNIST (<see cref="DistillationBenchmark"/>): with the teacher's
/// logits precomputed once, and with the teacher run on every batch. bench/compare/distill.sh runs the accuracy side
/// (distilled vs scratch students).
/// </summary>
public static class DistillBench
{
    private const string Usage =
        "usage: descent bench distill [--teacher RUN|CKPT] [--hidden H[,H...]] [--batch B] [--epochs E] [--rounds R] [--threads T]\n" +
        "                             [--on-the-fly] [--samples N] [--seed N] [--data-dir DIR] [--json]\n" +
        "  Trains the student (mlp preset with hidden widths H, default 128) with Adam(1e-3) on Fashion-MNIST held in memory\n" +
        "  (normalized; the full set from --data-dir or /usr/share/datasets/fashion-mnist, else the embedded subset; --samples N\n" +
        "  keeps its first N training samples), batches\n" +
        "  of B (default 128), R rounds (default 3) of: plain cross-entropy training, distillation with precomputed teacher\n" +
        "  logits and, with --on-the-fly, distillation running the teacher on every batch. Each trains one warm-up epoch\n" +
        "  and E timed epochs (default 2); the medians of the timed epochs' seconds are reported with their ratios to plain\n" +
        "  training. The teacher is --teacher's model (a run directory or checkpoint) or a freshly initialized cnn-small\n" +
        "  (its weights do not change the cost). precompute_seconds is the one-time teacher pass over the training set.\n" +
        "  With --pruned: the accuracy a pruned model recovers by fine-tuning with distillation vs with labels alone\n" +
        "  (descent bench distill --pruned --help).";

    private static readonly string[] Valued = ["--teacher", "--hidden", "--batch", "--epochs", "--rounds", "--threads", "--samples", "--seed", "--data-dir"];

    /// <summary>The <c>distill</c> subcommand of <c>bench</c>.</summary>
    public static System.CommandLine.Command Create() =>
        RawArgsCommand.Create("distill", "Cost of a distillation epoch vs a plain epoch of the same student; --pruned: recovering a pruned model with distillation vs labels.", Usage, Run);

    /// <summary>Runs the benchmark; returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmark writing results to <paramref name="output"/> and progress to <paramref name="errors"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains("--pruned")) return PrunedDistillBench.Run(args, output, errors);
        Settings s;
        try
        {
            var a = new ArgReader("descent bench distill", args, Valued, ["--json", "--on-the-fly"]);
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
        var result = new Result(s, DistillationBenchmark.Measure(s.ToBenchmark(), errors));
        output.WriteLine(s.Json ? result.ToJson() : result.ToText());
        return 0;
    }

    private sealed record Result(Settings S, DistillationBenchmarkResult R)
    {
        public string ToJson()
        {
            var json = FormattableString.Invariant(
                $"{{\"student_hidden\":[{string.Join(",", S.Hidden)}],\"batch\":{S.Batch},\"threads\":{S.Threads},\"epochs\":{S.Epochs},\"rounds\":{S.Rounds},") +
                FormattableString.Invariant(
                $"\"samples\":{R.Samples},\"plain_epoch_seconds\":{R.PlainEpochSeconds:F6},\"precomputed_epoch_seconds\":{R.PrecomputedEpochSeconds:F6},") +
                FormattableString.Invariant($"\"precomputed_ratio\":{R.PrecomputedRatio:F4},\"precompute_seconds\":{R.PrecomputeSeconds:F3}");
            if (R.OnTheFlyEpochSeconds is double fly)
                json += FormattableString.Invariant($",\"on_the_fly_epoch_seconds\":{fly:F6},\"on_the_fly_ratio\":{R.OnTheFlyRatio:F4}");
            return json + "}";
        }

        public string ToText()
        {
            var text = FormattableString.Invariant(
                $"mlp [{string.Join(", ", S.Hidden)}] batch={S.Batch} threads={S.Threads} simd={BenchmarkMachine.Simd}, median of {S.Rounds}×{S.Epochs} epochs of {R.Samples} samples:\n") +
                FormattableString.Invariant($"  plain training     {R.PlainEpochSeconds,8:F3} s/epoch\n") +
                FormattableString.Invariant(
                $"  precomputed logits {R.PrecomputedEpochSeconds,8:F3} s/epoch  ({R.PrecomputedRatio:F3}× plain; one-time teacher pass {R.PrecomputeSeconds:F2} s)");
            if (R.OnTheFlyEpochSeconds is double fly)
                text += FormattableString.Invariant($"\n  teacher per batch  {fly,8:F3} s/epoch  ({R.OnTheFlyRatio:F3}× plain)");
            return text;
        }
    }

    private sealed record Settings(string? Teacher, int[] Hidden, int Batch, int Epochs, int Rounds, int Threads, bool OnTheFly, int? Samples,
        long Seed, string? DataDir, bool Json)
    {
        public DistillationBenchmarkSettings ToBenchmark() => new()
        {
            Teacher = Teacher, Hidden = Hidden, Batch = Batch, Epochs = Epochs, Rounds = Rounds, Threads = Threads, OnTheFly = OnTheFly,
            Samples = Samples, Seed = Seed, DataDir = DataDir,
        };

        public static Settings From(ArgReader a)
        {
            var widths = a.Numbers("--hidden") ?? [128];
            if (widths.Any(h => h < 1 || h != Math.Floor(h) || h > int.MaxValue))
                throw new UserErrorException($"descent bench distill: --hidden widths must be positive whole numbers, got '{a.Text("--hidden")}'.");
            var hidden = widths.Select(h => (int)h).ToArray();
            string? teacher = a.Text("--teacher");
            if (teacher is not null && !File.Exists(teacher) && !Directory.Exists(teacher))
                throw new UserErrorException($"descent bench distill: --teacher {teacher} is neither a run directory nor a checkpoint.");
            string? dataDir = a.Text("--data-dir");
            if (dataDir is not null && !Directory.Exists(dataDir))
                throw new UserErrorException($"descent bench distill: --data-dir {dataDir} does not exist.");
            return new Settings(teacher, hidden, a.Count("--batch") ?? 128, a.Count("--epochs") ?? 2, a.Count("--rounds") ?? 3,
                a.Count("--threads") ?? BenchmarkMachine.Threads, a.Flag("--on-the-fly"), a.Count("--samples"), (long)(a.Number("--seed") ?? 0), dataDir,
                a.Flag("--json"));
        }
    }
}
