using Descent.NN;
using Descent.Tensors.Autograd;
using Descent.Tensors;

namespace Descent.Experiments.Runs;

/// <summary>The rows of a model summary (Keras' <c>model.summary()</c>) as data, for summary.json and reports.</summary>
public static class LayerSummaries
{
    /// <summary>
    /// Runs one sample of zeros of <paramref name="inputShape"/> through <paramref name="model"/> in evaluation mode and
    /// lists every called layer with its per-sample output shape and own parameter count.
    /// </summary>
    public static IReadOnlyList<LayerSummary> Compute(Module model, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names[m] = n;
        var rows = new List<LayerSummary>();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var scope = StepScope.Begin();
            using var observe = Module.ObserveForward((m, y) =>
            {
                if (ReferenceEquals(m, model) && model.NamedChildren().Any()) return;
                var name = names.TryGetValue(m, out var n) && n.Length > 0 ? $"{n} ({m.TypeName})" : m.TypeName;
                rows.Add(new LayerSummary(name, y.Shape.ToArray()[1..], m.OwnParameterCount));
            });
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            model.Call(Tensor.Zeros(new Shape([1, .. inputShape]), dtype));
        }
        finally
        {
            model.Train(wasTraining);
        }
        return rows;
    }
}
