using System.CommandLine;
using System.Globalization;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench prune</c>: a pruned dense Linear against its sparse (CSR) form at sparsities 50–99% and several
/// batch sizes, measured alternately (<see cref="SparseLinearBenchmark"/>), with the crossover sparsity per batch size.
/// </summary>
public static class PruneBench
{
    /// <summary>The <c>prune</c> subcommand of <c>bench</c>.</summary>
    public static Command Create()
    {
        var shapes = new Option<string>("--shapes")
        {
            Description = "OUTxIN[,OUTxIN...]: Linear layers to measure (default: LeNet-300-100's first layer and a 1024×1024 layer).",
            DefaultValueFactory = _ => "300x784,1024x1024",
        };
        var sparsities = new Option<string>("--sparsity")
        {
            Description = "Sparsities, comma separated, in [0, 1).",
            DefaultValueFactory = _ => string.Join(",", SparseLinearBenchmark.DefaultSparsities.Select(s => s.ToString(CultureInfo.InvariantCulture))),
        };
        var batches = new Option<string>("--batch") { Description = "Batch sizes, comma separated.", DefaultValueFactory = _ => "1,8,64,256" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default 1; one thread is timed in CPU time).", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Alternating repetitions; medians are reported.", DefaultValueFactory = _ => 5 };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Minimum duration of each timed block.", DefaultValueFactory = _ => 0.1 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var targets = new Option<string?>("--targets")
        {
            Description = "Instead of the layer sweep, the issue #12 §6 targets on trained runs: mlp, cnn-small, resnet-small, lenet-300-100 (comma separated).",
        };
        var runs = new Option<string>("--runs") { Description = "Folder holding the trained runs mlp/, cnn-small/, resnet-small/ (only read).", DefaultValueFactory = _ => "runs" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Fashion-MNIST folder (full data set)." };
        var finetune = new Option<int>("--finetune-epochs") { Description = "Fine-tuning epochs after pruning.", DefaultValueFactory = _ => 2 };
        var roundTo = new Option<int>("--round-to") { Description = "Keep channel counts a multiple of this (structured targets).", DefaultValueFactory = _ => 1 };
        var lrFactor = new Option<double>("--lr-factor") { Description = "Fine-tuning learning rate as a fraction of the run's.", DefaultValueFactory = _ => 0.3 };
        var cmd = new Command("prune", "Dense Linear against its sparse (CSR) form after unstructured pruning: speed-up per sparsity and batch, and the crossover sparsity; or the pruning targets (--targets).")
        {
            shapes, sparsities, batches, threads, repeat, minSeconds, json, targets, runs, dataDir, finetune, lrFactor, roundTo,
        };
        cmd.SetAction(r =>
        {
            if (r.GetValue(targets) is { } list)
                return PruneTargets.Run(list, r.GetValue(runs)!, r.GetValue(dataDir), r.GetValue(finetune), r.GetValue(lrFactor), r.GetValue(repeat), r.GetValue(json), r.GetValue(roundTo));
            int t = Positive("--threads", r.GetValue(threads)), rep = Positive("--repeat", r.GetValue(repeat));
            double sec = r.GetValue(minSeconds) > 0 ? r.GetValue(minSeconds) : throw new UserErrorException($"--min-seconds must be positive, got {r.GetValue(minSeconds)}.");
            var sp = List<double>("--sparsity", r.GetValue(sparsities)!, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && v < 1 ? v : (double?)null,
                "numbers in [0, 1)");
            var bs = List<int>("--batch", r.GetValue(batches)!, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : (int?)null,
                "positive integers");
            bool asJson = r.GetValue(json);
            foreach (var (o, i) in Shapes(r.GetValue(shapes)!))
            {
                if (!asJson)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"bench prune: Linear {i}→{o}, threads={t}, simd={BenchmarkMachine.Simd}, load average {LoadAverage()} (dense/sparse = speed-up, medians of {rep})"));
                var sweep = SparseLinearBenchmark.Sweep(o, i, sp, bs, t, rep, sec, p => Console.WriteLine(asJson
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{{\"op\":\"sparse_linear\",\"out\":{o},\"in\":{i},\"sparsity\":{p.Sparsity},\"batch\":{p.Batch},\"threads\":{t},\"simd\":\"{BenchmarkMachine.Simd}\",\"dense_seconds\":{p.DenseSeconds:G9},\"sparse_seconds\":{p.SparseSeconds:G9},\"speedup\":{p.Speedup:F4}}}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"  sparsity {p.Sparsity * 100,5:F1}%  batch {p.Batch,4}:  dense {p.DenseSeconds * 1e6,10:F1} us  sparse {p.SparseSeconds * 1e6,10:F1} us  speed-up {p.Speedup,6:F2}×")));
                foreach (var (batch, from) in sweep.Crossover)
                    Console.WriteLine(asJson
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"{{\"op\":\"sparse_crossover\",\"out\":{o},\"in\":{i},\"batch\":{batch},\"threads\":{t},\"crossover_sparsity\":{(from is null ? "null" : from.Value.ToString(CultureInfo.InvariantCulture))}}}")
                        : from is null
                            ? $"  crossover batch {batch,4}: sparse is not faster at any measured sparsity"
                            : string.Create(CultureInfo.InvariantCulture, $"  crossover batch {batch,4}: sparse faster from {from.Value * 100:F1}% sparsity"));
            }
            return 0;
        });
        return cmd;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static List<T> List<T>(string option, string text, Func<string, T?> parse, string what) where T : struct
    {
        var list = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            list.Add(parse(part) ?? throw new UserErrorException($"{option} entries are {what}, got '{part}'."));
        if (list.Count == 0) throw new UserErrorException($"{option} is empty.");
        return list;
    }

    private static List<(int Out, int In)> Shapes(string text)
    {
        var list = new List<(int, int)>();
        foreach (string shape in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = shape.Split('x', 'X');
            if (p.Length != 2 || !int.TryParse(p[0], out int o) || !int.TryParse(p[1], out int i) || o < 1 || i < 1)
                throw new UserErrorException($"--shapes entries are OUTxIN with positive sizes, got '{shape}'.");
            list.Add((o, i));
        }
        if (list.Count == 0) throw new UserErrorException("--shapes is empty.");
        return list;
    }

    private static int Positive(string option, int value) =>
        value > 0 ? value : throw new UserErrorException($"{option} must be a positive integer, got {value}.");
}
