using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// FitNets hint loss (Romero et al. 2015, "FitNets: Hints for Thin Deep Nets"): the mean squared error between a
/// learned regressor of the student's guided-layer output and the teacher's hint-layer output, ‖r(v_g) − u_h‖²
/// averaged over the elements (PyTorch's <c>nn.MSELoss</c> default). The regressor is a
/// <see cref="Linear"/> for per-sample vectors, a 1×1 <see cref="Conv2d"/> for feature maps of equal spatial size,
/// and absent (identity) when the shapes already match. The teacher's features receive no gradient.
/// </summary>
/// <remarks>
/// A module because the regressor is trained with the student: put it in the optimizer (and the checkpoint) with the
/// student's parameters. Romero et al. train the hint stage before the Hinton loss; Descent adds the hint term to the
/// Hinton loss in one stage (as most reimplementations do), weighted by the caller.
/// </remarks>
public sealed class HintLoss : Module
{
    /// <summary>
    /// A hint loss from the student's per-sample feature shape <paramref name="studentFeature"/> to the teacher's
    /// <paramref name="teacherFeature"/> (shapes without the batch dim: [d] or [c, h, w]).
    /// </summary>
    public HintLoss(Shape studentFeature, Shape teacherFeature, DType dtype = DType.Float32, Generator? generator = null)
    {
        StudentFeature = studentFeature;
        TeacherFeature = teacherFeature;
        if (studentFeature == teacherFeature) return;
        if (studentFeature.Rank == 1 && teacherFeature.Rank == 1)
        {
            Regressor = RegisterModule("regressor", new Linear(studentFeature[0], teacherFeature[0], true, dtype, generator));
            return;
        }
        if (studentFeature.Rank == 3 && teacherFeature.Rank == 3)
        {
            if (studentFeature[1] != teacherFeature[1] || studentFeature[2] != teacherFeature[2])
                throw new ArgumentException(
                    $"HintLoss: student feature maps {studentFeature} and teacher feature maps {teacherFeature} differ in height × width; " +
                    "a 1×1 Conv2d regressor maps channels only, so guide a student layer of the teacher layer's resolution.");
            Regressor = RegisterModule("regressor", new Conv2d(studentFeature[0], teacherFeature[0], 1, dtype: dtype, generator: generator));
            return;
        }
        throw new ArgumentException(
            $"HintLoss: no regressor maps student features {studentFeature} to teacher features {teacherFeature}: " +
            "both must be vectors [d] (Linear) or feature maps [c, h, w] of equal h × w (1×1 Conv2d), or have equal shapes.");
    }

    /// <summary>Per-sample shape of the student's guided-layer output.</summary>
    public Shape StudentFeature { get; }

    /// <summary>Per-sample shape of the teacher's hint-layer output.</summary>
    public Shape TeacherFeature { get; }

    /// <summary>The learned regressor (Linear or 1×1 Conv2d), or null when the shapes match.</summary>
    public Module? Regressor { get; }

    /// <summary>The student's features mapped to the teacher's shape (themselves when there is no regressor).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireBatchOf(input, StudentFeature, "student");
        return Regressor is null ? input : Regressor.Call(input);
    }

    /// <summary>MSE (mean over elements) between the regressed student features and the teacher's (detached) features.</summary>
    public Tensor Compute(Tensor studentFeatures, Tensor teacherFeatures)
    {
        ArgumentNullException.ThrowIfNull(teacherFeatures);
        RequireBatchOf(teacherFeatures, TeacherFeature, "teacher");
        var regressed = Call(studentFeatures);
        if (regressed.Shape[0] != teacherFeatures.Shape[0])
            throw new ArgumentException($"HintLoss: student batch of {regressed.Shape[0]} and teacher batch of {teacherFeatures.Shape[0]} differ.");
        var target = teacherFeatures.Detach();
        if (target.DType != regressed.DType) target = target.To(regressed.DType);
        return Functional.MseLoss(regressed, target);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"student={StudentFeature}, teacher={TeacherFeature}";

    private static void RequireBatchOf(Tensor t, Shape feature, string who)
    {
        if (t.Rank != feature.Rank + 1 || !t.Shape.Dims[1..].SequenceEqual(feature.Dims))
            throw new ArgumentException($"HintLoss: {who} features {t.Shape} are not a batch of {feature}.");
    }
}
