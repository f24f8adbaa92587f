using Descent.Data;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Compression.Distillation;

/// <summary>
/// Teacher-student training (Hinton et al. 2015; FitNets hints, Romero et al. 2015) as the <see cref="Trainer"/>'s
/// objective: each step the student minimizes α·CE(z_s, y) + (1 − α)·T²·KL_batchmean(p̄_t ‖ softmax(z_s/T)) + β·Σ hints,
/// p̄_t being the teachers' averaged soft targets on exactly the student's batch. The teachers run in eval mode without
/// gradients, on every batch or — when the training loader does not augment — once before training
/// (<see cref="DistillationOptions.TeacherLogits"/>). Everything else (data-parallel steps, checkpoints and exact
/// resume, early stopping, schedules) is the trainer's, unchanged; validation scores the trainer's loss.
/// </summary>
/// <example><code>
/// var distiller = new Distiller(teacher, new DistillationOptions { Temperature = 4, Alpha = 0.1 });
/// var trainer = new Trainer(student, new CrossEntropyLoss(), optimizer, new TrainerOptions { Objective = distiller });
/// trainer.Fit(train, validation, epochs: 10);
/// </code></example>
/// <remarks>
/// Epoch logs gain <c>hard_loss</c> (CE with the labels), <c>soft_loss</c> (T²·KL), <c>hint_loss</c> (with hints),
/// <c>agreement</c> (share of training rows where the student's argmax is the teachers') and <c>val_agreement</c>
/// (the same on the validation set, one extra student pass; see <see cref="TeacherAgreement"/>). As with the trainer's train metrics, after a mid-epoch
/// resume these cover the batches since the resume.
/// </remarks>
public sealed class Distiller : ITrainingObjective
{
    private readonly object _gate = new();
    private readonly (string Path, Module Module)[] _teacherLayers;
    private double _hardSum, _softSum, _hintSum;
    private long _agree, _rows;
    private Tensor[]? _precomputed;
    private (IDataset Dataset, IBatchTransform? Transform)? _precomputedFor;
    private readonly TeacherAgreement? _validationAgreement;

    /// <summary>A distiller from one teacher.</summary>
    public Distiller(Module teacher, DistillationOptions? options = null) : this([teacher], options)
    {
    }

    /// <summary>A distiller from several teachers whose soft targets are averaged; hints address the first.</summary>
    public Distiller(IReadOnlyList<Module> teachers, DistillationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0) throw new ArgumentException("Distiller: at least one teacher is needed.", nameof(teachers));
        for (int k = 0; k < teachers.Count; k++)
            if (teachers[k] is null) throw new ArgumentNullException(nameof(teachers), $"Distiller: teacher {k} is null.");
        Options = options ?? new DistillationOptions();
        Options.Validate();
        Teachers = [.. teachers];
        Loss = new HintonDistillationLoss(Options.Temperature, Options.Alpha) { LabelSmoothing = Options.LabelSmoothing };
        _teacherLayers = [.. Options.Hints.Select(h => (h.Teacher, ModulePath.Resolve(Teachers[0], h.Teacher, "teacher")))];
        foreach (var t in Teachers) t.Eval();
        if (Options.ValidationAgreement) _validationAgreement = new TeacherAgreement(Teachers, Options.Temperature);
    }

    /// <summary>The teachers (kept in eval mode; never trained).</summary>
    public IReadOnlyList<Module> Teachers { get; }

    /// <summary>The settings.</summary>
    public DistillationOptions Options { get; }

    /// <summary>The Hinton loss with this distiller's T and α.</summary>
    public HintonDistillationLoss Loss { get; }

    /// <summary>The teachers' logits for the training set (one [N, C] tensor per teacher) once precomputed, else null.</summary>
    public IReadOnlyList<Tensor>? PrecomputedLogits => _precomputed;

    /// <summary>
    /// The module to train: <paramref name="student"/> itself, or with hints a <see cref="HintedStudent"/> holding the
    /// student and the hint regressors, sized by one forward pass of <paramref name="exampleInput"/> (a batch, e.g. one
    /// sample [1, ...]) through student and first teacher (eval mode, no gradients). Build the optimizer over the
    /// returned module's parameters. The regressors' initial weights draw from <paramref name="generator"/> (default
    /// <see cref="Generator.Default"/>).
    /// </summary>
    public Module Prepare(Module student, Tensor exampleInput, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(exampleInput);
        if (Options.Hints.Count == 0) return student;
        var guided = Options.Hints.Select(h => (h.Student, ModulePath.Resolve(student, h.Student, "student"))).ToArray();
        var studentCapture = new FeatureCapture("student", guided);
        var teacherCapture = new FeatureCapture("teacher", _teacherLayers);
        bool wasTraining = student.Training;
        student.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using (studentCapture.Begin()) student.Call(exampleInput);
            using (teacherCapture.Begin()) Teachers[0].Call(exampleInput);
        }
        finally
        {
            student.Train(wasTraining);
        }
        var hints = new HintLoss[guided.Length];
        for (int i = 0; i < hints.Length; i++)
        {
            var s = studentCapture.Feature(i);
            var t = teacherCapture.Feature(i);
            hints[i] = new HintLoss(Shape.Wrap(s.Shape.Dims[1..].ToArray()), Shape.Wrap(t.Shape.Dims[1..].ToArray()), s.DType, generator);
        }
        return new HintedStudent(student, guided, hints);
    }

    /// <inheritdoc/>
    public TrainingStepOutput Compute(Module model, TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var hinted = model as HintedStudent;
        if (Options.Hints.Count > 0 && hinted is null)
            throw new InvalidOperationException("Distiller: with hints, train the module returned by Distiller.Prepare (student plus hint regressors).");
        var studentCapture = hinted is null ? null : new FeatureCapture("student", hinted.GuidedLayers);
        var teacherCapture = hinted is null ? null : new FeatureCapture("teacher", _teacherLayers);

        Tensor output;
        using (studentCapture?.Begin())
            output = model.Call(batch.Input);
        var softTargets = SoftTargets(batch, teacherCapture);
        var terms = Loss.ComputeWithSoftTargets(output, softTargets, batch.Target);
        var loss = terms.Loss;
        double hintLoss = 0;
        if (hinted is not null)
        {
            Tensor? hints = null;
            for (int i = 0; i < hinted.Hints.Count; i++)
            {
                var h = hinted.Hints[i].Compute(studentCapture!.Feature(i), teacherCapture!.Feature(i));
                hints = hints is null ? h : hints + h;
            }
            hintLoss = hints!.Item();
            if (Options.HintWeight != 0) loss = loss + hints * Options.HintWeight;
        }
        int rows = output.Shape[0];
        int agree = TeacherLogits.CountAgreement(output, softTargets);
        lock (_gate)
        {
            _hardSum += terms.HardLoss.Item() * rows;
            _softSum += terms.SoftLoss.Item() * rows;
            _hintSum += hintLoss * rows;
            _agree += agree;
            _rows += rows;
        }
        return new TrainingStepOutput(output, loss);
    }

    // The averaged soft targets of this batch's rows: precomputed rows looked up by sample index, or the teachers run
    // now on exactly these rows (eval mode, no gradients), the first one captured for hints.
    private Tensor SoftTargets(TrainingBatch batch, FeatureCapture? teacherCapture)
    {
        var logits = new Tensor[Teachers.Count];
        int rows = batch.Input.Shape[0];
        if (_precomputed is not null)
        {
            var indices = batch.SampleIndices.Span;
            if (indices.Length != rows)
                throw new InvalidOperationException(
                    $"Distiller: a batch of {rows} rows came with {indices.Length} sample indices; precomputed teacher logits are looked up by sample index (train through Trainer.Fit).");
            for (int k = 0; k < logits.Length; k++) logits[k] = TeacherLogits.Gather(_precomputed[k], indices);
            return Functional.SoftTargets(logits, Options.Temperature);
        }
        using var noGrad = GradMode.Disable();
        for (int k = 0; k < logits.Length; k++)
        {
            using (k == 0 ? teacherCapture?.Begin() : null)
                logits[k] = Teachers[k].Call(batch.Input);
            TeacherLogits.RequireLogits(logits[k], rows, k);
        }
        return Functional.SoftTargets(logits, Options.Temperature);
    }

    void ICallback.OnTrainBegin(TrainingContext context)
    {
        foreach (var t in Teachers) t.Eval();
        var train = context.TrainLoader;
        _precomputed = UsePrecomputed(train) ? Precompute(train.Dataset, train.Options.Transform) : null;
    }

    void ICallback.OnEpochBegin(TrainingContext context)
    {
        lock (_gate) (_hardSum, _softSum, _hintSum, _agree, _rows) = (0, 0, 0, 0, 0);
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        var logs = context.EpochLogs;
        lock (_gate)
        {
            double n = _rows == 0 ? double.NaN : _rows;
            logs["hard_loss"] = _hardSum / n;
            logs["soft_loss"] = _softSum / n;
            if (Options.Hints.Count > 0) logs["hint_loss"] = _hintSum / n;
            logs["agreement"] = _agree / n;
        }
        ((ICallback?)_validationAgreement)?.OnEpochEnd(context);
    }

    private bool UsePrecomputed(DataLoader train)
    {
        bool deterministic = TeacherLogits.IsDeterministic(train.Options.Transform);
        switch (Options.TeacherLogits)
        {
            case TeacherLogitsMode.OnTheFly:
                return false;
            case TeacherLogitsMode.Precomputed when !deterministic:
                throw new InvalidOperationException(
                    $"Distiller: teacher logits cannot be precomputed: the training loader's transform ({train.Options.Transform!.GetType().Name}) may change a sample between epochs, " +
                    "and the teacher must see exactly the student's batch. Use TeacherLogitsMode.Auto or OnTheFly.");
            case TeacherLogitsMode.Precomputed:
                return true;
            default:
                return deterministic && Options.Hints.Count == 0;
        }
    }

    private Tensor[] Precompute(IDataset dataset, IBatchTransform? transform)
    {
        // The same data set and transform give the same logits: a second Fit (e.g. a resume) reuses them.
        if (_precomputed is not null && _precomputedFor is var (d, t) && ReferenceEquals(d, dataset) && ReferenceEquals(t, transform))
            return _precomputed;
        var logits = TeacherLogits.Compute(Teachers, dataset, transform);
        _precomputedFor = (dataset, transform);
        return logits;
    }
}
