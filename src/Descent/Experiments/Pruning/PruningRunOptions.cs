using System.Globalization;

namespace Descent.Experiments.Pruning;

/// <summary>
/// What <see cref="PruningRunner"/> does to a trained model (the options of <c>descent prune</c>): the importance
/// criterion, the final amount, structured (channels removed) or unstructured (weights masked), local or global
/// ranking, in how many steps (the schedule spreads the amount over them), how many fine-tuning epochs follow each
/// step, and the lottery-ticket rewind.
/// </summary>
public sealed record PruningRunOptions
{
    /// <summary>The criteria: l1, l2, bn_scale, taylor (structured only), random.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["l1", "l2", "bn_scale", "taylor", "random"];

    /// <summary>The schedules over the steps: polynomial (Zhu and Gupta 2017, power 3) or constant.</summary>
    public static IReadOnlyList<string> Schedules { get; } = ["polynomial", "constant"];

    /// <summary>Importance criterion (<see cref="Methods"/>).</summary>
    public string Method { get; init; } = "l1";

    /// <summary>Final fraction removed: of every prunable layer's channels (structured) or of the prunable weights (unstructured).</summary>
    public double Amount { get; init; } = 0.5;

    /// <summary>True: remove channels physically; false: mask individual weights.</summary>
    public bool Structured { get; init; } = true;

    /// <summary>Rank all layers together instead of each layer on its own.</summary>
    public bool Global { get; init; }

    /// <summary>Number of pruning steps (each followed by <see cref="FinetuneEpochs"/>).</summary>
    public int Steps { get; init; } = 1;

    /// <summary>Fine-tuning epochs after each step (0: none).</summary>
    public int FinetuneEpochs { get; init; }

    /// <summary>How the amount grows over the steps (<see cref="Schedules"/>); constant prunes it all at the first step.</summary>
    public string Schedule { get; init; } = "polynomial";

    /// <summary>
    /// Lottery-ticket rewind (unstructured only, Frankle et al. 2020): the weights after this many optimizer steps of the
    /// first fine-tuning are recorded, and every later step's fine-tuning starts from them (masks applied); -1: off.
    /// </summary>
    public int Rewind { get; init; } = -1;

    /// <summary>Calibration batches for Taylor importance.</summary>
    public int CalibrationBatches { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option (as the CLI flag).</summary>
    public void Validate()
    {
        if (!Methods.Contains(Method))
            throw new ArgumentException($"--method '{Method}' is not one of {string.Join(", ", Methods)}.");
        if (!Schedules.Contains(Schedule))
            throw new ArgumentException($"--schedule '{Schedule}' is not one of {string.Join(", ", Schedules)}.");
        if (!(Amount > 0 && Amount < 1))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--amount must be in (0, 1), got {Amount}."));
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {Steps}.");
        if (FinetuneEpochs < 0) throw new ArgumentException($"--finetune-epochs must be at least 0, got {FinetuneEpochs}.");
        if (!Structured && Method is "bn_scale" or "taylor")
            throw new ArgumentException($"--method {Method} ranks channels; use it with --structured (unstructured pruning ranks weights by l1/l2 magnitude or at random).");
        if (Rewind >= 0 && Structured)
            throw new ArgumentException("--rewind resets the surviving weights of a masked model; use it with --unstructured (structured pruning changes the shapes).");
        if (Rewind >= 0 && (Steps < 2 || FinetuneEpochs < 1))
            throw new ArgumentException("--rewind needs --steps 2 or more and --finetune-epochs 1 or more (the weights are recorded during the first fine-tuning).");
        if (Rewind < -1) throw new ArgumentException($"--rewind must be a step count of 0 or more, got {Rewind}.");
        if (CalibrationBatches < 1) throw new ArgumentException($"calibration batches must be at least 1, got {CalibrationBatches}.");
    }
}
