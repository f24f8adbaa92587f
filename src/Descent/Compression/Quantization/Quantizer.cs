using Descent.NN;

namespace Descent.Compression.Quantization;

/// <summary>One layer a quantization flow replaced, or left in float and why.</summary>
/// <param name="Path">Dotted module path (e.g. "0", "3.conv1").</param>
/// <param name="From">The float layer's type name.</param>
/// <param name="To">The quantized layer's type name, or null when the layer stayed float.</param>
/// <param name="Note">Why a layer stayed float (null for converted layers).</param>
public sealed record QuantizedLayer(string Path, string From, string? To, string? Note);

/// <summary>A converted model and what the conversion did, layer by layer.</summary>
/// <param name="Model">The quantized model (float layers it did not cover are shared with the original).</param>
/// <param name="Layers">Every layer with parameters: converted, or kept in float with the reason.</param>
public sealed record QuantizationResult(Module Model, IReadOnlyList<QuantizedLayer> Layers)
{
    /// <summary>The layers that were replaced by quantized ones.</summary>
    public IEnumerable<QuantizedLayer> Converted => Layers.Where(l => l.To is not null);

    /// <summary>The layers with parameters that stayed float.</summary>
    public IEnumerable<QuantizedLayer> KeptFloat => Layers.Where(l => l.To is null);
}

/// <summary>
/// The quantization flows (PyTorch's torch.ao.quantization.quantize_dynamic, ...). Dynamic quantization replaces every
/// Linear with a <see cref="DynamicQuantizedLinear"/> and every LSTM with a <see cref="DynamicQuantizedLSTM"/>; a ReLU right after a Linear in a Sequential is fused into it
/// and its slot becomes an Identity, as PyTorch's fuse_modules does (indices, and so state-dict names, are kept).
/// Layers it does not cover stay float, and since every quantized layer takes and returns float tensors, the
/// boundaries need no stubs.
/// </summary>
public static partial class Quantizer
{
    /// <summary>
    /// Dynamic quantization: int8 weights now (symmetric; per output channel with <paramref name="perChannel"/>, else
    /// per tensor as PyTorch's default qconfig), activations quantized per batch at run time. Returns a new model: the
    /// containers (Sequential) are rebuilt, Linear layers replaced, every other module shared with
    /// <paramref name="model"/> (so the float model must not be trained further while the quantized one is used).
    /// <paramref name="reduceRange"/>: 7-bit activations as PyTorch's x86 engines (see <see cref="DynamicQuantizedLinear"/>).
    /// </summary>
    public static QuantizationResult QuantizeDynamic(Module model, bool perChannel = false, bool reduceRange = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = new List<QuantizedLayer>();
        var converted = ConvertDynamic(model, "", layers, perChannel, reduceRange);
        converted.Train(model.Training);
        return new QuantizationResult(converted, layers);
    }

    private static Module ConvertDynamic(Module module, string path, List<QuantizedLayer> layers, bool perChannel, bool reduceRange)
    {
        switch (module)
        {
            case Linear linear when !linear.MaskedParameters.Any():
                var single = DynamicQuantizedLinear.FromFloat(linear, perChannel, reduceRange);
                layers.Add(new QuantizedLayer(path, linear.TypeName, single.TypeName, null));
                return single;
            case LSTM lstm when !lstm.MaskedParameters.Any():
                var recurrent = DynamicQuantizedLSTM.FromFloat(lstm, perChannel, reduceRange);
                layers.Add(new QuantizedLayer(path, lstm.TypeName, recurrent.TypeName, null));
                return recurrent;
            case Sequential sequential:
                var rebuilt = new Sequential();
                for (int i = 0; i < sequential.Count; i++)
                {
                    string child = Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (sequential[i] is Linear fused && !fused.MaskedParameters.Any() && i + 1 < sequential.Count && sequential[i + 1].GetType() == typeof(ReLU))
                    {
                        var q = DynamicQuantizedLinear.FromFloat(fused, perChannel, reduceRange, relu: true);
                        layers.Add(new QuantizedLayer(child, fused.TypeName, q.TypeName, null));
                        rebuilt.Add(q).Add(new Identity());
                        i++;
                        continue;
                    }
                    rebuilt.Add(ConvertDynamic(sequential[i], child, layers, perChannel, reduceRange));
                }
                return rebuilt;
            default:
                foreach (var (name, m) in module.NamedModules(path))
                    if (m.OwnParameterCount > 0)
                        layers.Add(new QuantizedLayer(name, m.TypeName, null, NoteFor(m)));
                return module;
        }
    }

    private static string NoteFor(Module m) => m switch
    {
        Linear or LSTM when m.MaskedParameters.Any() => MaskedNote,
        Linear => "inside a container dynamic quantization does not rebuild; stays float",
        _ => $"dynamic quantization covers Linear and LSTM layers; {m.TypeName} stays float",
    };

    /// <summary>Why a pruned layer stays float: its masks would be lost in the int8 weights.</summary>
    private const string MaskedNote = "has pruning masks, which the int8 weights would not keep; make them permanent (RemoveParameterMask) before quantizing; stays float";

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
