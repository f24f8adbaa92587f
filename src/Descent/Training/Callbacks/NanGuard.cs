using System.Globalization;
using Descent.NN;
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

/// <summary>
/// Detects divergence after backward: a non-finite loss or gradient (then stops with diagnostics, or skips the step),
/// and a finite loss that has exploded to <see cref="ExplosionFactor"/> times the run's first loss or more (then
/// stops: Adam at lr 1e6 reaches 1e23 without ever overflowing). Either way <see cref="TrainingContext.Diverged"/> is
/// set when it stops. The parameter is named with its layer, e.g. <c>1 (Linear 784→256).weight</c>.
/// </summary>
public sealed class NanGuard(NanAction action = NanAction.Stop) : ICallback
{
    /// <summary>Stop or skip.</summary>
    public NanAction Action { get; } = action;

    /// <summary>
    /// A loss this many times the first step's loss (or more) counts as divergence: 10⁴, four orders of magnitude,
    /// which no healthy run reaches from its initial loss. Infinity turns the check off.
    /// </summary>
    public double ExplosionFactor { get; init; } = 1e4;

    /// <summary>Steps skipped so far.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The diagnostic of the last detection (null when none).</summary>
    public string? LastProblem { get; private set; }

    /// <summary>The loss of the run's first step, the reference of the explosion check (NaN before it).</summary>
    public double ReferenceLoss { get; private set; } = double.NaN;

    /// <summary>The state a resumed run needs (<see cref="ReferenceLoss"/>), for checkpoints.</summary>
    public IReadOnlyDictionary<string, double> State() =>
        new Dictionary<string, double>(StringComparer.Ordinal) { ["reference_loss"] = ReferenceLoss };

    /// <summary>Restores <see cref="State"/>.</summary>
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TryGetValue("reference_loss", out var r)) ReferenceLoss = r;
    }

    void ICallback.OnAfterBackward(TrainingContext context)
    {
        double loss = context.LossTensor!.Item();
        if (double.IsNaN(ReferenceLoss) && double.IsFinite(loss)) ReferenceLoss = loss;
        string? bad = null;
        foreach (var (name, p) in context.Model.NamedParameters())
        {
            if (p.Grad is { } g && !AllFinite(g))
            {
                bad = name;
                break;
            }
        }
        string where = $"step {context.GlobalStep} (epoch {context.Epoch + 1}, batch {context.BatchIndex})";
        if (double.IsFinite(loss) && bad is null)
        {
            if (!(Math.Abs(loss) >= ExplosionFactor * Math.Max(Math.Abs(ReferenceLoss), 1e-12))) return;
            LastProblem = string.Create(CultureInfo.InvariantCulture,
                $"loss exploded at {where}: {loss:G4} is {loss / ReferenceLoss:G2} times the first step's {ReferenceLoss:G4}");
        }
        else
        {
            LastProblem = $"non-finite {(double.IsFinite(loss) ? "gradient" : "loss")} at {where}: loss {loss.ToString(CultureInfo.InvariantCulture)}" +
                          (bad is null ? "" : $", first parameter with a non-finite gradient: {Describe(context.Model, bad)}");
            if (Action == NanAction.Skip)
            {
                context.SkipStep = true;
                SkippedSteps++;
                return;
            }
        }
        context.SkipStep = true;
        context.StopTraining = true;
        context.Diverged = true;
        context.StopReason = LastProblem;
    }

    /// <summary>
    /// A parameter's name with its layer: <c>1.weight</c> of a Linear(784, 256) is <c>1 (Linear 784→256).weight</c>,
    /// of a Conv2d(1, 6) <c>0 (Conv2d 1→6).weight</c>, of another layer <c>2 (BatchNorm1d).bias</c>.
    /// </summary>
    public static string Describe(Module model, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameterName);
        int dot = parameterName.LastIndexOf('.');
        string owner = dot < 0 ? "" : parameterName[..dot], leaf = parameterName[(dot + 1)..];
        var module = owner.Length == 0 ? null : model.NamedModules().FirstOrDefault(m => m.Name == owner).Module;
        if (module is null) return parameterName;   // the model's own parameter: its name says it
        string layer = module switch
        {
            Linear l => $"Linear {l.InFeatures}→{l.OutFeatures}",
            Conv2d c => $"Conv2d {c.InChannels}→{c.OutChannels}",
            _ => module.TypeName,
        };
        return $"{owner} ({layer}).{leaf}";
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
