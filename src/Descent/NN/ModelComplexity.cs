using Descent.Tensors;

namespace Descent.NN;

/// <summary>One layer's row of a <see cref="ModelCost"/>: its own parameters and multiply-accumulates per sample.</summary>
/// <param name="Path">Dotted module path ("3", "2.body.0").</param>
/// <param name="Type">Module type name.</param>
/// <param name="Parameters">Parameter elements registered on the module itself (children excluded).</param>
/// <param name="Macs">Multiply-accumulates per sample of the module's own computation (summed over its calls).</param>
/// <param name="OutputShape">The output shape of its (last) call for a batch of one.</param>
public sealed record LayerCost(string Path, string Type, long Parameters, long Macs, Shape OutputShape);

/// <summary>A model's size and compute: parameter elements and multiply-accumulates per sample, in total and per layer.</summary>
/// <param name="Parameters">All parameter elements (BatchNorm's γ and β included; buffers such as running statistics are not).</param>
/// <param name="Macs">Multiply-accumulates per sample of one forward pass (see <see cref="Module.MultiplyAccumulates"/>).</param>
/// <param name="Layers">The modules called in the forward pass, in call order (containers with no parameters or MACs of their own excluded).</param>
public sealed record ModelCost(long Parameters, long Macs, IReadOnlyList<LayerCost> Layers);

/// <summary>
/// Parameter and MAC counting (the numbers behind "smaller and faster": pruning reports, architecture search's
/// objectives). MACs come from one forward pass on zeros with a batch of one, observing every layer's output, so they
/// follow the model's real shapes (pooling, strides, flatten) whatever built it.
/// </summary>
public static class ModelComplexity
{
    /// <summary>
    /// Counts <paramref name="model"/>'s parameters and multiply-accumulates for one sample of shape
    /// <paramref name="sampleShape"/> (without the batch dimension, e.g. 1, 28, 28). The model runs once in evaluation
    /// mode without gradients; its training mode is restored afterwards.
    /// </summary>
    public static ModelCost Measure(Module model, params int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names.TryAdd(m, n);
        var rows = new List<LayerCost>();
        ForwardObservation.Run(model, new Shape([1, .. sampleShape]), (m, y) =>
        {
            long macs = m.MultiplyAccumulates(y.Shape);
            if (m.NamedChildren().Any() && m.OwnParameterCount == 0 && macs == 0) return;   // a container: its children are rows
            rows.Add(new LayerCost(names.TryGetValue(m, out var n) ? n : "?", m.TypeName, m.OwnParameterCount, macs, y.Shape));
        });
        return new ModelCost(model.ParameterCount, rows.Sum(r => r.Macs), rows);
    }

    /// <summary>
    /// <paramref name="perOutputElement"/> multiply-accumulates for each element of <paramref name="output"/>, divided
    /// by the batch size (dim 0) when <paramref name="batched"/>: the per-sample count of a layer's call.
    /// </summary>
    public static long PerSample(Shape output, long perOutputElement, bool batched)
    {
        long total = perOutputElement * output.Numel;
        if (!batched) return total;
        return output[0] == 0 ? 0 : total / output[0];
    }
}
