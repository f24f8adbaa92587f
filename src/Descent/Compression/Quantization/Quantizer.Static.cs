using System.Globalization;
using System.Runtime.CompilerServices;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Compression.Quantization;

/// <summary>
/// Static post-training quantization and quantization-aware training (PyTorch's torch.ao.quantization prepare /
/// prepare_qat / convert, eager mode, with inplace=True): BatchNorm folding, an <see cref="ObservedLayer"/> in place of
/// every Linear and one-group Conv2d (a ReLU that follows one, possibly after folded BatchNorm slots, is fused and its
/// slot becomes an Identity), calibration or training, then int8 layers in their place. Module paths and state-dict
/// names of everything else stay those of the float model; other layers stay float, and since every int8 layer takes
/// and returns float tensors, pooling, flatten, residual additions and float layers in between need no stubs.
/// </summary>
public static partial class Quantizer
{
    // Why Prepare left a layer it could have converted in float, for Convert's record (the model holds no such state).
    private static readonly ConditionalWeakTable<Module, string> PreparedNotes = new();

    /// <summary>
    /// Prepares <paramref name="model"/> in place for calibration: evaluation mode, BatchNorm folded, observers
    /// inserted. Run calibration batches through the returned model (the same one, unless the model itself is a
    /// single Linear/Conv2d), then call <see cref="Convert"/>.
    /// </summary>
    public static Module PrepareStatic(Module model, QuantizationOptions? options = null) => Prepare(model, options, fakeQuantize: false);

    /// <summary>
    /// Prepares <paramref name="model"/> in place for quantization-aware training: BatchNorm folded with its running
    /// statistics (so train from a model whose statistics have settled; the folded layers then train without a
    /// BatchNorm), fake-quantized layers inserted, training mode. Train the returned model as usual (the trainer, an
    /// optimizer over its parameters), then call <see cref="Convert"/>.
    /// </summary>
    public static Module PrepareQat(Module model, QuantizationOptions? options = null)
    {
        var prepared = Prepare(model, options, fakeQuantize: true);
        prepared.Train();
        return prepared;
    }

    /// <summary>
    /// Replaces every <see cref="ObservedLayer"/> of a prepared model with its int8 layer (in place) and returns the
    /// model in evaluation mode with the per-layer record (layers that stayed float, with the reason).
    /// </summary>
    /// <exception cref="InvalidOperationException">A prepared layer saw no input.</exception>
    public static QuantizationResult Convert(Module model) => ConvertPrepared(model, placeholders: false);

    private static QuantizationResult ConvertPrepared(Module model, bool placeholders)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = new List<QuantizedLayer>();
        var root = model;
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (module is ObservedLayer observed)
            {
                var q = placeholders
                    ? observed.ToQuantizedWith(QuantParams.PerTensor(1f, 0, QuantizedType.QUInt8, 0, observed.Options.ReduceRange ? 127 : 255))
                    : observed.ToQuantized(path);
                if (path.Length == 0) root = q;
                else model.ReplaceSubmodule(path, q);
                layers.Add(new QuantizedLayer(path, observed.Layer.TypeName, q.TypeName, null));
            }
            else if (module.OwnParameterCount > 0)
            {
                layers.Add(new QuantizedLayer(path, module.TypeName, null,
                    PreparedNotes.TryGetValue(module, out var note) ? note : StaticNoteFor(module)));
            }
        }
        // Activations stay uint8 between adjacent int8 layers (requantized in the GEMM epilogue), see Int8Linking.
        Int8Linking.Link(root);
        root.Eval();
        return new QuantizationResult(root, layers);
    }

    /// <summary>
    /// The int8 structure <paramref name="spec"/> gives <paramref name="model"/> (a float model of the architecture that was
    /// quantized), with placeholder weights and input parameters, for an int8 state dict to fill (an int8 checkpoint's
    /// model). Static and QAT models are converted in place; dynamic ones are rebuilt (see <see cref="QuantizeDynamic"/>).
    /// </summary>
    public static QuantizationResult Rebuild(Module model, QuantizationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.Mode == "dynamic") return QuantizeDynamic(model, spec.PerChannel, spec.ReduceRange);
        return ConvertPrepared(Prepare(model, spec.Options with { Observer = ActivationObserver.MinMax }, fakeQuantize: false), placeholders: true);
    }

    /// <summary>
    /// Static post-training quantization in one call: <see cref="PrepareStatic"/>, the calibration batches through
    /// the model (no gradients), <see cref="Convert"/>. <paramref name="model"/> is converted in place.
    /// </summary>
    public static QuantizationResult QuantizeStatic(Module model, IEnumerable<Tensor> calibrationBatches, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(calibrationBatches);
        var prepared = PrepareStatic(model, options);
        int batches = 0;
        using (GradMode.Disable())
        {
            foreach (var batch in calibrationBatches)
            {
                prepared.Call(batch);
                batches++;
            }
        }
        if (batches == 0)
            throw new ArgumentException("Static quantization: no calibration batches; the input ranges of the int8 layers come from them.", nameof(calibrationBatches));
        return Convert(prepared);
    }

    private static Module Prepare(Module model, QuantizationOptions? options, bool fakeQuantize)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new QuantizationOptions();
        model.Eval();
        BatchNormFolding.FoldInPlace(model);
        if (Observable(model, options)) return new ObservedLayer(model, false, fakeQuantize, options);
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (path.Length == 0 || !Observable(module, options)) continue;
            int dot = path.LastIndexOf('.');
            string parentPath = dot < 0 ? "" : path[..dot];
            string? reluPath = FollowingRelu(model.GetSubmodule(parentPath), path[(dot + 1)..], parentPath);
            try
            {
                model.ReplaceSubmodule(path, new ObservedLayer(module, reluPath is not null, fakeQuantize, options));
            }
            catch (NotSupportedException)
            {
                PreparedNotes.AddOrUpdate(module, "its parent keeps its own reference to it, so it cannot be replaced; stays float");
                continue;
            }
            if (reluPath is not null) model.ReplaceSubmodule(reluPath, new Identity());
        }
        return model;
    }

    private static bool Observable(Module module, QuantizationOptions options)
    {
        if (module is (Linear or Conv2d) && module.MaskedParameters.Any())
        {
            PreparedNotes.AddOrUpdate(module, MaskedNote);
            return false;
        }
        if (module is Linear) return true;
        if (module is not Conv2d conv || QuantizedConv2d.Unsupported(conv) is not null) return false;
        if (conv.OutChannels >= options.MinConvChannels) return true;
        PreparedNotes.AddOrUpdate(conv, $"{conv.OutChannels} output channels, fewer than QuantizationOptions.MinConvChannels = {options.MinConvChannels}: " +
            "the int8 kernel computes 16 channels at a time and the float convolution is faster here; stays float");
        return false;
    }

    /// <summary>The path of a ReLU that follows child <paramref name="name"/> of a Sequential, past Identity slots, or null.</summary>
    private static string? FollowingRelu(Module parent, string name, string parentPath)
    {
        if (parent is not Sequential sequential || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int i)) return null;
        int j = i + 1;
        while (j < sequential.Count && sequential[j] is Identity) j++;
        return j < sequential.Count && sequential[j].GetType() == typeof(ReLU)
            ? Join(parentPath, j.ToString(CultureInfo.InvariantCulture))
            : null;
    }

    private static string StaticNoteFor(Module m) => m switch
    {
        Conv2d conv when QuantizedConv2d.Unsupported(conv) is { } reason => reason,
        BatchNorm => "a BatchNorm that does not directly follow a Conv2d/Linear (or has no running statistics) cannot be folded; stays float",
        _ => $"static quantization covers Linear and Conv2d; {m.TypeName} stays float",
    };
}
