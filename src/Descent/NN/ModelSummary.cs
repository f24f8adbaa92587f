using System.Globalization;
using System.Text;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Renders Keras' <c>model.summary()</c> table by running one forward pass on zeros and observing each layer.</summary>
internal static class ModelSummary
{
    /// <summary>
    /// Each layer's output channels (dimension 1 of its output for a batch of one, the features of a Linear) by path:
    /// what a pruning step records before it removes channels, so the summary can show what each layer kept.
    /// </summary>
    public static Dictionary<string, int> OutputChannels(Module model, int[] inputShape)
    {
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names[m] = n;
        var channels = new Dictionary<string, int>();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var observe = Module.ObserveForward((m, y) =>
            {
                if (names.TryGetValue(m, out var n) && n.Length > 0 && y.Rank >= 2) channels.TryAdd(n, y.Shape[1]);
            });
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            model.Call(Tensor.Zeros(new Shape(inputShape), dtype));
        }
        finally
        {
            model.Train(wasTraining);
        }
        return channels;
    }

    public static string Render(Module model, int[] inputShape, IReadOnlyDictionary<string, int>? originalChannels = null)
    {
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names[m] = n;
        var rows = new List<(string Layer, string Shape, long Params, string Kept)>();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var observe = Module.ObserveForward((m, y) =>
            {
                if (ReferenceEquals(m, model) && model.NamedChildren().Any()) return;
                var name = names.TryGetValue(m, out var n) && n.Length > 0 ? $"{n} ({m.TypeName})" : m.TypeName;
                rows.Add((name, y.Shape.ToString(), m.OwnParameterCount, Kept(originalChannels, n, y)));
            });
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            model.Call(Tensor.Zeros(new Shape(inputShape), dtype));
        }
        finally
        {
            model.Train(wasTraining);
        }

        long total = model.ParameterCount;
        long trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
        int w1 = Math.Max("Layer (type)".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Layer.Length)) + 2;
        int w2 = Math.Max("Output Shape".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Shape.Length)) + 2;
        int w3 = Math.Max("Param #".Length, 12);
        bool pruned = originalChannels is not null;
        int w4 = pruned ? Math.Max("Channels kept / removed".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Kept.Length)) + 2 : 0;
        var line = new string('─', w1 + w2 + w3 + w4);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Model: {model.TypeName}, input {Shape.Format(inputShape)}");
        sb.AppendLine(line);
        sb.AppendLine("Layer (type)".PadRight(w1) + "Output Shape".PadRight(w2) + "Param #".PadLeft(w3) + (pruned ? "  " + "Channels kept / removed".PadRight(w4 - 2) : ""));
        sb.AppendLine(line.Replace('─', '═'));
        foreach (var (layer, shape, p, kept) in rows)
            sb.AppendLine((layer.PadRight(w1) + shape.PadRight(w2) + p.ToString("N0", CultureInfo.InvariantCulture).PadLeft(w3) + (pruned ? "  " + kept : "")).TrimEnd());
        sb.AppendLine(line);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Total params: {total:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Trainable params: {trainable:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Non-trainable params: {total - trainable:N0}");
        return sb.ToString();
    }

    // "kept 64 / removed 64 of 128" for a layer whose recorded width changed; "all 10" when it kept every channel.
    private static string Kept(IReadOnlyDictionary<string, int>? original, string? path, Tensor y)
    {
        if (original is null || path is null || y.Rank < 2 || !original.TryGetValue(path, out int before)) return "";
        int now = y.Shape[1];
        return now == before
            ? string.Create(CultureInfo.InvariantCulture, $"all {now}")
            : string.Create(CultureInfo.InvariantCulture, $"kept {now} / removed {before - now} of {before}");
    }
}
