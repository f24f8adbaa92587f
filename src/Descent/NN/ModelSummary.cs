using System.Globalization;
using System.Text;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>Renders Keras' <c>model.summary()</c> table by running one forward pass on zeros and observing each layer.</summary>
internal static class ModelSummary
{
    public static string Render(Module model, int[] inputShape)
    {
        var names = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in model.NamedModules()) names[m] = n;
        var rows = new List<(string Layer, string Shape, long Params)>();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var observe = Module.ObserveForward((m, y) =>
            {
                if (ReferenceEquals(m, model) && model.NamedChildren().Any()) return;
                var name = names.TryGetValue(m, out var n) && n.Length > 0 ? $"{n} ({m.TypeName})" : m.TypeName;
                rows.Add((name, y.Shape.ToString(), m.OwnParameterCount));
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
        var line = new string('─', w1 + w2 + w3);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Model: {model.TypeName}, input {Shape.Format(inputShape)}");
        sb.AppendLine(line);
        sb.AppendLine("Layer (type)".PadRight(w1) + "Output Shape".PadRight(w2) + "Param #".PadLeft(w3));
        sb.AppendLine(line.Replace('─', '═'));
        foreach (var (layer, shape, p) in rows)
            sb.AppendLine(layer.PadRight(w1) + shape.PadRight(w2) + p.ToString("N0", CultureInfo.InvariantCulture).PadLeft(w3));
        sb.AppendLine(line);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Total params: {total:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Trainable params: {trainable:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Non-trainable params: {total - trainable:N0}");
        return sb.ToString();
    }
}
