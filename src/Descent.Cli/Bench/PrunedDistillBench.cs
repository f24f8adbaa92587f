using System.Globalization;
using System.Text;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench distill --pruned</c>: a trained model pruned until its MACs halve, fine-tuned with distillation from
/// the unpruned model vs with the labels alone, same seeds and epochs (<see cref="PrunedDistillationBenchmark"/>).
/// </summary>
public static class PrunedDistillBench
{
    internal const string Usage =
        "usage: descent bench distill --pruned --teacher RUN|CKPT [--macs 0.5] [--epochs E] [--seeds 0,1,2] [--lr 1e-3] [--batch B]\n" +
        "                             [--temperature 4] [--alpha 0.1] [--threads T] [--samples N] [--test-samples N]\n" +
        "                             [--data-dir DIR] [--json]\n" +
        "  Prunes the trained model (a run directory or checkpoint, e.g. a cnn-small run) with L1 structured pruning, the same\n" +
        "  fraction of every prunable group's channels, the smallest on a 0.01 grid that leaves at most --macs (default 0.5)\n" +
        "  of its MACs. For each seed it fine-tunes two copies for E epochs (default 3) with the same batch order, AdamW\n" +
        "  (peak --lr, weight decay 5e-4) and a per-batch cosine schedule: with cross-entropy on the labels, and with\n" +
        "  distillation from the unpruned model (T, alpha; precomputed teacher logits). Prints the test accuracy and loss\n" +
        "  of the teacher, the pruned model before fine-tuning and each fine-tune, the mean gain of distillation, and both\n" +
        "  models' measured forward latency over a test batch of 128 (median of 45 passes). Data: Fashion-MNIST (normalized;\n" +
        "  --data-dir or /usr/share/datasets/fashion-mnist, else the embedded subset; --samples N keeps the first N training\n" +
        "  samples, --test-samples N the first N test samples).";

    private static readonly string[] Valued =
        ["--teacher", "--macs", "--epochs", "--seeds", "--lr", "--batch", "--temperature", "--alpha", "--threads", "--samples", "--test-samples", "--data-dir"];

    /// <summary>Runs the pruned mode; <paramref name="args"/> include <c>--pruned</c>. Returns the exit code (0 ok, 1 bad options).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        PrunedDistillationSettings s;
        bool json;
        try
        {
            var a = new ArgReader("descent bench distill --pruned", args, Valued, ["--json", "--pruned"]);
            if (a.Flag("--help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            (s, json) = (SettingsFrom(a), a.Flag("--json"));
        }
        catch (UserErrorException e)
        {
            errors.WriteLine(e.Message);
            errors.WriteLine(Usage);
            return 1;
        }
        PrunedDistillationResult r;
        try
        {
            r = PrunedDistillationBenchmark.Measure(s, errors);
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            errors.WriteLine($"descent bench distill --pruned: {CliErrors.OneLine(e)}");
            return 1;
        }
        output.WriteLine(json ? ToJson(s, r) : ToText(s, r));
        return 0;
    }

    private static PrunedDistillationSettings SettingsFrom(ArgReader a)
    {
        const string command = "descent bench distill --pruned";
        string teacher = a.Text("--teacher") ?? throw new UserErrorException($"{command}: --teacher RUN|CKPT is required (the trained model to prune).");
        if (!File.Exists(teacher) && !Directory.Exists(teacher))
            throw new UserErrorException($"{command}: --teacher {teacher} is neither a run directory nor a checkpoint.");
        double macs = a.Number("--macs") ?? 0.5;
        if (macs is <= 0 or >= 1) throw new UserErrorException($"{command}: --macs must be a fraction in (0, 1), got '{a.Text("--macs")}'.");
        var seeds = a.Numbers("--seeds") ?? [0];
        if (seeds.Any(x => x != Math.Floor(x) || x < 0 || x > long.MaxValue))
            throw new UserErrorException($"{command}: --seeds must be whole numbers ≥ 0, got '{a.Text("--seeds")}'.");
        double lr = a.Number("--lr") ?? 1e-3;
        if (lr <= 0) throw new UserErrorException($"{command}: --lr must be positive, got '{a.Text("--lr")}'.");
        double temperature = a.Number("--temperature") ?? 4;
        if (temperature <= 0) throw new UserErrorException($"{command}: --temperature must be positive, got '{a.Text("--temperature")}'.");
        double alpha = a.Number("--alpha") ?? 0.1;
        if (alpha is < 0 or > 1) throw new UserErrorException($"{command}: --alpha must be in [0, 1], got '{a.Text("--alpha")}'.");
        string? dataDir = a.Text("--data-dir");
        if (dataDir is not null && !Directory.Exists(dataDir)) throw new UserErrorException($"{command}: --data-dir {dataDir} does not exist.");
        return new PrunedDistillationSettings
        {
            Teacher = teacher, MacsFraction = macs, Epochs = a.Count("--epochs") ?? 3, Seeds = [.. seeds.Select(x => (long)x)],
            LearningRate = lr, Batch = a.Count("--batch") ?? 128, Temperature = temperature, Alpha = alpha,
            Threads = a.Count("--threads") ?? BenchmarkMachine.Threads, Samples = a.Count("--samples"), TestSamples = a.Count("--test-samples"), DataDir = dataDir,
        };
    }

    private static string ToJson(PrunedDistillationSettings s, PrunedDistillationResult r)
    {
        static string Score(TestScore t) => FormattableString.Invariant($"{{\"accuracy\":{t.Accuracy:F6},\"loss\":{t.Loss:F6}}}");
        var runs = string.Join(",", r.Runs.Select(x => FormattableString.Invariant(
            $"{{\"seed\":{x.Seed},\"labels\":{Score(x.Labels)},\"distilled\":{Score(x.Distilled)},\"gain\":{x.Gain:F6},\"labels_seconds\":{x.LabelsSeconds:F1},\"distilled_seconds\":{x.DistilledSeconds:F1}}}")));
        return FormattableString.Invariant(
            $"{{\"teacher\":\"{JsonEscape(s.Teacher)}\",\"macs_fraction\":{s.MacsFraction},\"amount\":{r.Amount:F2},\"epochs\":{s.Epochs},\"lr\":{s.LearningRate},") +
            FormattableString.Invariant($"\"temperature\":{s.Temperature},\"alpha\":{s.Alpha},\"batch\":{s.Batch},\"threads\":{s.Threads},\"samples\":{r.Samples},\"test_samples\":{r.TestSamples},") +
            FormattableString.Invariant($"\"macs_before\":{r.Before.Macs},\"macs_after\":{r.After.Macs},\"parameters_before\":{r.Before.Parameters},\"parameters_after\":{r.After.Parameters},") +
            FormattableString.Invariant($"\"teacher_test\":{Score(r.Teacher)},\"pruned_test\":{Score(r.PrunedBeforeFineTune)},") +
            FormattableString.Invariant($"\"teacher_latency_ms\":{r.TeacherLatencyMs:F4},\"pruned_latency_ms\":{r.PrunedLatencyMs:F4},\"latency_batch\":{r.LatencyBatch},") +
            FormattableString.Invariant($"\"runs\":[{runs}],\"mean_labels\":{r.MeanLabels:F6},\"mean_distilled\":{r.MeanDistilled:F6},\"mean_gain\":{r.MeanGain:F6}}}");
    }

    private static string ToText(PrunedDistillationSettings s, PrunedDistillationResult r)
    {
        var text = new StringBuilder();
        text.AppendLine(FormattableString.Invariant(
            $"pruned by {r.Amount:F2} of each group's channels: MACs {r.Before.Macs} -> {r.After.Macs} ({(double)r.After.Macs / r.Before.Macs:F3}×), parameters {r.Before.Parameters} -> {r.After.Parameters}"));
        text.AppendLine(FormattableString.Invariant(
            $"fine-tuning {s.Epochs} epoch(s) of {r.Samples} samples, AdamW lr {s.LearningRate} cosine, batch {s.Batch}; distillation T={s.Temperature}, alpha={s.Alpha}; threads={s.Threads} simd={BenchmarkMachine.Simd}"));
        text.AppendLine("  model                        test accuracy  test loss  latency ms");
        text.AppendLine(FormattableString.Invariant($"  teacher (unpruned)           {r.Teacher.Accuracy,13:F4}  {r.Teacher.Loss,9:F4}  {r.TeacherLatencyMs,10:F3}"));
        text.AppendLine(FormattableString.Invariant($"  pruned, before fine-tuning   {r.PrunedBeforeFineTune.Accuracy,13:F4}  {r.PrunedBeforeFineTune.Loss,9:F4}  {r.PrunedLatencyMs,10:F3}"));
        foreach (var x in r.Runs)
        {
            text.AppendLine(FormattableString.Invariant($"  seed {x.Seed,-4} labels alone        {x.Labels.Accuracy,13:F4}  {x.Labels.Loss,9:F4}"));
            text.AppendLine(FormattableString.Invariant($"  seed {x.Seed,-4} distilled           {x.Distilled.Accuracy,13:F4}  {x.Distilled.Loss,9:F4}   gain {x.Gain * 100:+0.00;-0.00} pt"));
        }
        text.Append(FormattableString.Invariant(
            $"mean over {r.Runs.Count} seed(s): labels {r.MeanLabels:F4}, distilled {r.MeanDistilled:F4}, gain {r.MeanGain * 100:+0.00;-0.00} pt (latency batch {r.LatencyBatch} rows)"));
        return text.ToString();
    }

    private static string JsonEscape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
