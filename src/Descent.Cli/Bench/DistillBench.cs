using System.Globalization;
using Descent.Cli.Trace;
using Descent.Compression.Distillation;
using Descent.Data;
using Descent.Experiments;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench distill</c>: the cost of a distillation epoch against a plain training epoch of the same student
/// (an MLP, default one hidden layer of 128) on Fashion-MNIST: with the teacher's logits precomputed once, and with
/// the teacher run on every batch. Rounds alternate the three kinds so background load hits each alike; the medians of
/// the timed epochs are compared. bench/compare/distill.sh runs the accuracy side (distilled vs scratch students).
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
        "  (its weights do not change the cost). precompute_seconds is the one-time teacher pass over the training set.";

    private static readonly string[] Valued = ["--teacher", "--hidden", "--batch", "--epochs", "--rounds", "--threads", "--samples", "--seed", "--data-dir"];

    /// <summary>The <c>distill</c> subcommand of <c>bench</c>.</summary>
    public static System.CommandLine.Command Create() =>
        RawArgsCommand.Create("distill", "Cost of a distillation epoch vs a plain epoch of the same student (compare accuracy with bench/compare/distill.sh).", Usage, Run);

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
        using var threads = ParallelFor.OverrideThreads(s.Threads);
        var result = Measure(s, errors);
        output.WriteLine(s.Json ? result.ToJson() : result.ToText());
        return 0;
    }

    private static Result Measure(Settings s, TextWriter progress)
    {
        var location = FashionMnist.Locate(s.DataDir);
        IDataset train = FashionMnist.Load(location, DataSplit.Train, new FashionMnistOptions { Normalize = true });
        if (s.Samples is int n && n < train.Count) train = new Subset(train, Enumerable.Range(0, n).ToArray());
        var teacher = s.Teacher is null ? ModelPresets.Create("cnn-small", generator: new Generator(s.Seed + 1)) : CheckpointModel.Load(s.Teacher).Model;
        progress.WriteLine($"bench distill: mlp [{string.Join(", ", s.Hidden)}] student, {(s.Teacher ?? "fresh cnn-small")} teacher, batch {s.Batch}, {s.Threads} thread(s), {location}");
        var kinds = s.OnTheFly ? new[] { "plain", "precomputed", "on_the_fly" } : ["plain", "precomputed"];
        var epochSeconds = kinds.ToDictionary(k => k, _ => new List<double>());
        double precompute = double.NaN;
        for (int round = 0; round < s.Rounds; round++)
        {
            foreach (var kind in kinds)
            {
                var student = ModelPresets.Create("mlp", hidden: s.Hidden, generator: new Generator(s.Seed));
                var distiller = kind == "plain" ? null : new Distiller(teacher, new DistillationOptions
                {
                    TeacherLogits = kind == "precomputed" ? TeacherLogitsMode.Precomputed : TeacherLogitsMode.OnTheFly,
                    ValidationAgreement = false,
                });
                var trainer = new Trainer(student, new CrossEntropyLoss(), new Adam(student.Parameters(), new AdamOptions(1e-3)),
                    new TrainerOptions { Objective = distiller });
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var history = trainer.Fit(new DataLoader(train, s.Batch, shuffle: true, seed: s.Seed), epochs: s.Epochs + 1);
                var seconds = history.Series("seconds");
                // Fit's time before its first epoch is the one-time teacher pass (precomputed mode).
                if (kind == "precomputed") precompute = clock.Elapsed.TotalSeconds - seconds.Sum();
                epochSeconds[kind].AddRange(seconds.Skip(1));
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round + 1}/{s.Rounds} {kind,-12} epochs {string.Join(" ", seconds.Skip(1).Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} s"));
            }
        }
        return new Result(s, kinds.ToDictionary(k => k, k => Median(epochSeconds[k])), precompute, train.Count);
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private sealed record Result(Settings S, Dictionary<string, double> Seconds, double PrecomputeSeconds, int Samples)
    {
        private double Ratio(string kind) => Seconds.TryGetValue(kind, out var v) ? v / Seconds["plain"] : double.NaN;

        public string ToJson()
        {
            var json = FormattableString.Invariant(
                $"{{\"student_hidden\":[{string.Join(",", S.Hidden)}],\"batch\":{S.Batch},\"threads\":{S.Threads},\"epochs\":{S.Epochs},\"rounds\":{S.Rounds},") +
                FormattableString.Invariant(
                $"\"samples\":{Samples},\"plain_epoch_seconds\":{Seconds["plain"]:F4},\"precomputed_epoch_seconds\":{Seconds["precomputed"]:F4},") +
                FormattableString.Invariant($"\"precomputed_ratio\":{Ratio("precomputed"):F4},\"precompute_seconds\":{PrecomputeSeconds:F3}");
            if (Seconds.TryGetValue("on_the_fly", out var fly))
                json += FormattableString.Invariant($",\"on_the_fly_epoch_seconds\":{fly:F4},\"on_the_fly_ratio\":{Ratio("on_the_fly"):F4}");
            return json + "}";
        }

        public string ToText()
        {
            var text = FormattableString.Invariant(
                $"mlp [{string.Join(", ", S.Hidden)}] batch={S.Batch} threads={S.Threads} simd={KernelConfig.Simd}, median of {S.Rounds}×{S.Epochs} epochs of {Samples} samples:\n") +
                FormattableString.Invariant($"  plain training     {Seconds["plain"],8:F3} s/epoch\n") +
                FormattableString.Invariant(
                $"  precomputed logits {Seconds["precomputed"],8:F3} s/epoch  ({Ratio("precomputed"):F3}× plain; one-time teacher pass {PrecomputeSeconds:F2} s)");
            if (Seconds.TryGetValue("on_the_fly", out var fly))
                text += FormattableString.Invariant($"\n  teacher per batch  {fly,8:F3} s/epoch  ({Ratio("on_the_fly"):F3}× plain)");
            return text;
        }
    }

    private sealed record Settings(string? Teacher, int[] Hidden, int Batch, int Epochs, int Rounds, int Threads, bool OnTheFly, int? Samples,
        long Seed, string? DataDir, bool Json)
    {
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
                a.Count("--threads") ?? ParallelFor.Threads, a.Flag("--on-the-fly"), a.Count("--samples"), (long)(a.Number("--seed") ?? 0), dataDir,
                a.Flag("--json"));
        }
    }
}
