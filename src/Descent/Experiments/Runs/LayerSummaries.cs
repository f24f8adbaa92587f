using Descent.NN;

namespace Descent.Experiments.Runs;

/// <summary>The rows of a model summary (Keras' <c>model.summary()</c>) as data, for summary.json and reports.</summary>
public static class LayerSummaries
{
    /// <summary>
    /// Runs one sample of zeros of <paramref name="inputShape"/> through <paramref name="model"/> in evaluation mode and
    /// lists every called layer with its per-sample output shape and own parameter count (<see cref="ForwardProbe"/>).
    /// </summary>
    public static IReadOnlyList<LayerSummary> Compute(Module model, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names[m] = n;
        var rows = new List<LayerSummary>();
        ForwardProbe.Run(model, inputShape, (m, y) =>
        {
            if (ReferenceEquals(m, model) && model.NamedChildren().Any()) return;
            var name = names.TryGetValue(m, out var n) && n.Length > 0 ? $"{n} ({m.TypeName})" : m.TypeName;
            rows.Add(new LayerSummary(name, y.Shape.ToArray()[1..], m.OwnParameterCount));
        });
        return rows;
    }
}
