using Descent.Data;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;

namespace Descent.Compression.Distillation;

/// <summary>
/// Logs <c>val_agreement</c> after each epoch: the share of validation samples on which the model (eval mode) predicts
/// the teachers' class — the fidelity measure of Stanton et al. 2021 ("Does Knowledge Distillation Really Work?"). The
/// teachers' predictions (argmax of their averaged soft targets at <see cref="Temperature"/>) are computed once per
/// validation loader. The <see cref="Distiller"/> uses it for the student; add it to a scratch run to compare.
/// </summary>
public sealed class TeacherAgreement : ICallback
{
    private int[]? _teacherPredictions;
    private DataLoader? _computedFor;

    /// <summary>Agreement with <paramref name="teachers"/> whose soft targets at <paramref name="temperature"/> are averaged.</summary>
    public TeacherAgreement(IReadOnlyList<Module> teachers, double temperature = 1)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0) throw new ArgumentException("TeacherAgreement: at least one teacher is needed.", nameof(teachers));
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "TeacherAgreement: temperature must be positive and finite.");
        Teachers = [.. teachers];
        Temperature = temperature;
    }

    /// <summary>The teachers.</summary>
    public IReadOnlyList<Module> Teachers { get; }

    /// <summary>Temperature of the averaged soft targets whose argmax is the teachers' prediction (irrelevant for one teacher).</summary>
    public double Temperature { get; }

    /// <summary>The share of <paramref name="data"/>'s samples on which <paramref name="model"/> predicts the teachers' class.</summary>
    public double Measure(Module model, DataLoader data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!ReferenceEquals(_computedFor, data))
        {
            _teacherPredictions = TeacherPredictions(data);
            _computedFor = data;
        }
        bool wasTraining = model.Training;
        model.Eval();
        long agree = 0, seen = 0;
        try
        {
            using var noGrad = GradMode.Disable();
            foreach (var batch in data.Epoch(0))
            {
                using var scope = StepScope.Begin();
                var output = model.Call(batch.Features);
                var indices = batch.SampleIndices.Span;
                for (int r = 0; r < indices.Length; r++)
                    if (TeacherLogits.Argmax(output, r, output.Shape[1]) == _teacherPredictions![indices[r]]) agree++;
                seen += indices.Length;
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return seen == 0 ? double.NaN : (double)agree / seen;
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        if (context.ValidationLoader is { } val) context.EpochLogs["val_agreement"] = Measure(context.Model, val);
    }

    // The teachers' ensemble prediction for each sample, indexed by sample index. Epoch(0) of a loader is the same
    // batches every time (order and transform draws are seeded by the epoch), so they are computed once.
    private int[] TeacherPredictions(DataLoader data)
    {
        var predictions = new int[data.Dataset.Count];
        using var noGrad = GradMode.Disable();
        foreach (var t in Teachers) t.Eval();
        foreach (var batch in data.Epoch(0))
        {
            using var scope = StepScope.Begin();
            var logits = new Tensor[Teachers.Count];
            for (int k = 0; k < logits.Length; k++)
            {
                logits[k] = Teachers[k].Call(batch.Features);
                TeacherLogits.RequireLogits(logits[k], batch.Size, k);
            }
            var soft = Functional.SoftTargets(logits, Temperature);
            var indices = batch.SampleIndices.Span;
            for (int r = 0; r < indices.Length; r++) predictions[indices[r]] = TeacherLogits.Argmax(soft, r, soft.Shape[1]);
        }
        return predictions;
    }
}
