using Descent.Data;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training.Metrics;

namespace Descent.Training;

/// <summary>
/// Loss and metrics of a model over a data set in evaluation mode without gradients (what <see cref="Trainer.Evaluate"/>
/// does), for models that are not being trained, e.g. a distillation teacher scored on the student's test set.
/// </summary>
public static class ModelEvaluation
{
    /// <summary>
    /// The mean <paramref name="loss"/> and <paramref name="metrics"/> (each factory called once) of
    /// <paramref name="model"/> over <paramref name="data"/>; <paramref name="confusion"/>, when given, is updated too.
    /// The model's training mode is restored afterwards.
    /// </summary>
    public static EvaluationResult Evaluate(Module model, Loss loss, DataLoader data, IReadOnlyList<Func<IMetric>>? metrics = null,
        ConfusionMatrix? confusion = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        var instances = (metrics ?? []).Select(f => f()).ToArray();
        bool wasTraining = model.Training;
        model.Eval();
        double lossSum = 0;
        long seen = 0;
        try
        {
            using var noGrad = GradMode.Disable();
            foreach (var (x, y) in data.Epoch(0))
            {
                using var scope = StepScope.Begin();
                var output = model.Call(x);
                int b = x.Rank == 0 ? 1 : x.Shape[0];
                lossSum += loss.Call(output, y).Item() * b;
                seen += b;
                foreach (var m in instances) m.Update(output, y);
                confusion?.Update(output, y);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        var result = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = seen == 0 ? double.NaN : lossSum / seen };
        foreach (var m in instances) result[m.Name] = m.Compute();
        return new EvaluationResult(result, seen);
    }
}
