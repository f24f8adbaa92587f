using System.Globalization;
using Descent.Benchmarks;

namespace Descent.Cli.Bench;

/// <summary>
/// <c>descent bench prune --targets ...</c>: runs <see cref="PruningTargets"/> on trained runs and prints each target's
/// accuracy, size and measured speed-ups (docs/pruning.md lists the commands and the numbers).
/// </summary>
internal static class PruneTargets
{
    public static int Run(string list, string runs, string? dataDir, int finetuneEpochs, double lrFactor, int repeat, bool json, int roundTo)
    {
        if (finetuneEpochs < 0) throw new UserErrorException($"--finetune-epochs must be 0 or more, got {finetuneEpochs}.");
        if (roundTo < 1) throw new UserErrorException($"--round-to must be a positive integer, got {roundTo}.");
        if (!(lrFactor > 0)) throw new UserErrorException($"--lr-factor must be positive, got {lrFactor}.");
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
            if (name is not ("mlp" or "cnn-small" or "resnet-small" or "lenet-300-100"))
                throw new UserErrorException($"--targets: '{name}' is not one of mlp, cnn-small, resnet-small, lenet-300-100.");
        foreach (var name in names)
        {
            string run = Path.Combine(runs, name == "lenet-300-100" ? "mlp" : name);
            if (!Directory.Exists(run)) throw new UserErrorException($"--runs: no run folder {run} for target {name}.");
            var r = name switch
            {
                "mlp" => PruningTargets.Structured(run, dataDir, 0.5, finetuneEpochs, lrFactor, Console.Out, repeat, roundTo: roundTo),
                "lenet-300-100" => PruningTargets.Unstructured(run, dataDir, 0.9, pruneEpochs: 3, finetuneEpochs, lrFactor, Console.Out, hidden: [300, 100], repeat: repeat),
                _ => PruningTargets.Structured(run, dataDir, null, finetuneEpochs, lrFactor, Console.Out, repeat, roundTo: roundTo),
            };
            Console.WriteLine(json
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{{\"op\":\"pruning_target\",\"target\":\"{r.Target}\",\"baseline_accuracy\":{r.BaselineAccuracy:F4},\"final_accuracy\":{r.FinalAccuracy:F4},\"loss_points\":{r.LossPoints:F2},\"params_before\":{r.Before.Parameters},\"params_after\":{r.After.Parameters},\"macs_before\":{r.Before.Macs},\"macs_after\":{r.After.Macs},\"sparsity\":{r.Sparsity:F4},\"inference_speedup\":{r.Inference.Ratio:F3},\"training_step_speedup\":{(r.TrainingStep is null ? "null" : r.TrainingStep.Ratio.ToString("F3", CultureInfo.InvariantCulture))}}}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"TARGET {r.Target}: accuracy {r.BaselineAccuracy * 100:F2}% → {r.FinalAccuracy * 100:F2}% ({r.LossPoints:F2} pt), params {r.Before.Parameters:N0} → {r.After.Parameters:N0}, MACs {r.Before.Macs:N0} → {r.After.Macs:N0}, " +
                    $"inference speed-up (batch 256, 1 thread) {r.Inference.Ratio:F2}×{(r.TrainingStep is null ? "" : $", training step {r.TrainingStep.Ratio:F2}×")}; {r.Settings}"));
        }
        return 0;
    }
}
