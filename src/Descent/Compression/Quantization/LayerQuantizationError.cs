using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Compression.Quantization;

/// <summary>A converted layer's own error: its int8 output against its float layer's on the same float input.</summary>
/// <param name="Path">Module path in the model.</param>
/// <param name="RelativeError">‖y_int8 − y_float‖₂ / ‖y_float‖₂ over the batch.</param>
/// <param name="SqnrDb">Signal-to-quantization-noise ratio, 20·log10(1 / relative error) (∞ when exact).</param>
public sealed record LayerError(string Path, double RelativeError, double SqnrDb);

/// <summary>The float layer an int8 layer replaced (BatchNorm folded in), and whether a ReLU was fused after it.</summary>
public sealed record FloatReference(string Path, Module Layer, bool Relu);

/// <summary>
/// Per-layer quantization error (what PyTorch's numeric suite, torch.ao.ns, compares): one batch goes through the int8
/// model, each int8 layer's actual input is recorded, and that same input runs through the layer's float counterpart
/// (its folded float layer and fused ReLU). The error is the layer's own (weights and input quantization), not the
/// error accumulated upstream.
/// </summary>
public static class LayerQuantizationError
{
    /// <summary>The float layers of a prepared (static or QAT) model, before <see cref="Quantizer.Convert"/> replaces them.</summary>
    public static IReadOnlyList<FloatReference> ReferencesOf(Module prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return prepared.NamedModules().Where(m => m.Module is ObservedLayer)
            .Select(m => new FloatReference(m.Name, ((ObservedLayer)m.Module).Layer, ((ObservedLayer)m.Module).Relu)).ToList();
    }

    /// <summary>The float layers of a dynamically quantized model: those at the same paths in the float model it came from.</summary>
    public static IReadOnlyList<FloatReference> ReferencesOf(Module floatModel, QuantizationResult dynamic)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(dynamic);
        return dynamic.Converted.Select(l =>
        {
            var q = dynamic.Model.GetSubmodule(l.Path);
            return new FloatReference(l.Path, floatModel.GetSubmodule(l.Path), q is DynamicQuantizedLinear { Relu: true });
        }).ToList();
    }

    /// <summary>Runs <paramref name="input"/> through <paramref name="int8Model"/> and measures each referenced layer.</summary>
    public static IReadOnlyList<LayerError> Measure(Module int8Model, IReadOnlyList<FloatReference> references, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(int8Model);
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(input);
        // Linked int8 layers hand uint8 NHWC activations to each other; a layer's own error needs its float input.
        using var unlinked = Int8Linking.Suspend(int8Model);
        var captures = new List<(FloatReference Reference, Module Int8, InputCapture Capture)>();
        foreach (var r in references)
        {
            var int8 = int8Model.GetSubmodule(r.Path);
            var capture = new InputCapture(int8);
            if (r.Path.Length == 0) throw new ArgumentException("LayerQuantizationError: the model itself is one layer; compare its outputs directly.", nameof(references));
            int8Model.ReplaceSubmodule(r.Path, capture);
            captures.Add((r, int8, capture));
        }
        try
        {
            using var noGrad = GradMode.Disable();
            int8Model.Call(input);
            var errors = new List<LayerError>();
            foreach (var (reference, int8, capture) in captures)
            {
                if (capture.Input is null) continue;   // not reached (e.g. a branch the forward does not take)
                var expected = reference.Layer.Call(capture.Input);
                if (reference.Relu) expected = Functional.Relu(expected);
                var actual = int8.Call(capture.Input);
                double num = 0, den = 0;
                var e = expected.ToFloatArray();
                var a = actual.ToFloatArray();
                for (int i = 0; i < e.Length; i++)
                {
                    double d = a[i] - (double)e[i];
                    num += d * d;
                    den += (double)e[i] * e[i];
                }
                double relative = den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num);
                errors.Add(new LayerError(reference.Path, relative, relative > 0 ? -20 * Math.Log10(relative) : double.PositiveInfinity));
            }
            return errors;
        }
        finally
        {
            foreach (var (reference, int8, _) in captures) int8Model.ReplaceSubmodule(reference.Path, int8);
        }
    }

    /// <summary>Passes through to the int8 layer, keeping the input of the first call.</summary>
    private sealed class InputCapture : Module
    {
        private readonly Module _inner;

        public InputCapture(Module inner)
        {
            _inner = inner;
        }

        public Tensor? Input { get; private set; }

        public override Tensor Forward(Tensor input)
        {
            Input ??= input;
            return _inner.Call(input);
        }
    }
}
