namespace Descent.Compression.Quantization;

/// <summary>
/// How a model was quantized, enough to rebuild its int8 structure from the float architecture (the int8 state dict
/// then fills it): <paramref name="Mode"/> "dynamic", "static" or "qat"; per-channel weights, 7-bit activations, the
/// smallest Conv2d that became int8, and the input observer that calibrated static inputs ("minmax", "histogram",
/// "percentile"; a record of how, the rebuilt model needs no observer).
/// </summary>
public sealed record QuantizationSpec(string Mode, bool PerChannel = true, bool ReduceRange = true, int MinConvChannels = 16, string Observer = "minmax")
{
    /// <summary>The quantization modes.</summary>
    public static readonly IReadOnlyList<string> Modes = ["dynamic", "static", "qat"];

    /// <summary>The input observers of static calibration.</summary>
    public static readonly IReadOnlyList<string> Observers = ["minmax", "histogram", "percentile"];

    /// <summary>Checks the names; the message names the bad value.</summary>
    public QuantizationSpec Validate()
    {
        if (!Modes.Contains(Mode)) throw new ArgumentException($"quantization mode '{Mode}' is not one of {string.Join(", ", Modes)}.");
        if (!Observers.Contains(Observer)) throw new ArgumentException($"quantization observer '{Observer}' is not one of {string.Join(", ", Observers)}.");
        if (MinConvChannels < 1) throw new ArgumentException($"quantization min_conv_channels must be positive, got {MinConvChannels}.");
        return this;
    }

    /// <summary>The static/QAT options this spec describes.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public QuantizationOptions Options => new(PerChannel, ReduceRange, MinConvChannels: MinConvChannels,
        Observer: Observer switch { "histogram" => ActivationObserver.Histogram, "percentile" => ActivationObserver.Percentile, _ => ActivationObserver.MinMax });
}
