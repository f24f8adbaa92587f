using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Distillation;

/// <summary>
/// What is trained when a distillation uses FitNets hints: the student plus one <see cref="HintLoss"/> (its learned
/// regressor) per hint, so that the regressors are optimized, checkpointed and data-parallel like the student's own
/// parameters. Its output is the student's; keep <see cref="Student"/> after training. Made by
/// <see cref="Distiller.Prepare"/>. State-dict keys: <c>student.*</c> and <c>hints.{i}.regressor.*</c>.
/// </summary>
public sealed class HintedStudent : Module
{
    internal HintedStudent(Module student, IReadOnlyList<(string Path, Module Module)> guidedLayers, IReadOnlyList<HintLoss> hints)
    {
        Student = RegisterModule(StudentPrefix.TrimEnd('.'), student);
        var list = new ModuleList();
        foreach (var h in hints) list.Add(h);
        RegisterModule("hints", list);
        Hints = hints;
        GuidedLayers = guidedLayers;
    }

    /// <summary>The student being distilled.</summary>
    public Module Student { get; }

    /// <summary>One hint loss per <see cref="DistillationOptions.Hints"/> entry, in order.</summary>
    public IReadOnlyList<HintLoss> Hints { get; }

    /// <summary>The student layers the hints guide (path and module), in hint order.</summary>
    internal IReadOnlyList<(string Path, Module Module)> GuidedLayers { get; }

    /// <summary>The student's output.</summary>
    public override Tensor Forward(Tensor input) => Student.Call(input);

    /// <summary>Prefix of the student's entries in this module's state dict.</summary>
    public const string StudentPrefix = "student.";

    /// <summary>
    /// The student's own state (keys without <see cref="StudentPrefix"/>, regressors left out) from a state dict of a
    /// hinted student, e.g. a checkpoint's model, to load into the bare student.
    /// </summary>
    public static StateDict StudentState(StateDict hinted)
    {
        ArgumentNullException.ThrowIfNull(hinted);
        var student = new StateDict();
        foreach (var (key, value) in hinted)
            if (key.StartsWith(StudentPrefix, StringComparison.Ordinal)) student.Add(key[StudentPrefix.Length..], value);
        if (student.Count == 0)
            throw new ArgumentException($"HintedStudent.StudentState: no '{StudentPrefix}*' entries; the state is not a hinted student's (keys: {string.Join(", ", hinted.Keys.Take(5))}).", nameof(hinted));
        return student;
    }
}
