using Descent.Tensors;

namespace Descent.Training.Callbacks;

/// <summary>What <see cref="NanGuard"/> does when a loss or gradient is not finite.</summary>
public enum NanAction
{
    /// <summary>Stop training with a message naming the step, the loss and the first bad parameter.</summary>
    Stop,
    /// <summary>Skip the optimizer step and continue (counted in <see cref="NanGuard.SkippedSteps"/>).</summary>
    Skip,
}

/// <summary>Detects a non-finite loss or gradient after backward, then stops (with diagnostics) or skips the step.</summary>
public sealed class NanGuard(NanAction action = NanAction.Stop) : ICallback
{
    /// <summary>Stop or skip.</summary>
    public NanAction Action { get; } = action;

    /// <summary>Steps skipped so far.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The diagnostic of the last detection (null when none).</summary>
    public string? LastProblem { get; private set; }

    void ICallback.OnAfterBackward(TrainingContext context)
    {
        double loss = context.LossTensor!.Item();
        string? bad = null;
        foreach (var (name, p) in context.Model.NamedParameters())
        {
            if (p.Grad is { } g && !AllFinite(g))
            {
                bad = name;
                break;
            }
        }
        if (double.IsFinite(loss) && bad is null) return;
        LastProblem = $"non-finite {(double.IsFinite(loss) ? "gradient" : "loss")} at step {context.GlobalStep} " +
                      $"(epoch {context.Epoch + 1}, batch {context.BatchIndex}): loss {loss}" +
                      (bad is null ? "" : $", first parameter with a non-finite gradient: {bad}");
        context.SkipStep = true;
        if (Action == NanAction.Skip)
        {
            SkippedSteps++;
            return;
        }
        context.StopTraining = true;
        context.StopReason = LastProblem;
    }

    private static bool AllFinite(Tensor t)
    {
        if (t.DType == DType.Float32)
        {
            foreach (var v in t.Span<float>()) if (!float.IsFinite(v)) return false;
        }
        else
        {
            foreach (var v in t.Span<double>()) if (!double.IsFinite(v)) return false;
        }
        return true;
    }
}
