namespace Descent.Compression.Quantization;

/// <summary>The observer that calibrates the inputs of static int8 layers.</summary>
public enum ActivationObserver
{
    /// <summary>Running min/max (<see cref="MinMaxObserver"/>; moving average with <see cref="QuantizationOptions.AveragingConstant"/>).</summary>
    MinMax,
    /// <summary>PyTorch's L2-error-minimizing range over a 2048-bin histogram (<see cref="HistogramObserver"/>).</summary>
    Histogram,
    /// <summary>Mean per-batch percentiles (<see cref="PercentileObserver"/>, <see cref="QuantizationOptions.Percentile"/> or 99.99).</summary>
    Percentile,
}

/// <summary>
/// Settings of static quantization and quantization-aware training (PyTorch's x86 default qconfig unless changed):
/// <paramref name="PerChannel"/> weight scales per output channel (else one per tensor); <paramref name="ReduceRange"/>
/// 7-bit activations [0, 127], which lets the u8×s8 kernel run (one bit of activation resolution; else [0, 255]);
/// <paramref name="AveragingConstant"/> makes the input observers moving-average min/max (calibration default: the
/// plain running min/max; quantization-aware training: 0.01 as PyTorch's); <paramref name="Percentile"/> calibrates the
/// inputs with a <see cref="PercentileObserver"/> of that percentile (e.g. 99.99) instead, which ignores outliers;
/// <paramref name="Observer"/> picks the calibration observer (<see cref="ActivationObserver.Histogram"/>: PyTorch's
/// HistogramObserver; a <paramref name="Percentile"/> implies <see cref="ActivationObserver.Percentile"/>);
/// quantization-aware training keeps the moving-average min/max whatever is chosen. Conv2d layers with fewer than
/// <paramref name="MinConvChannels"/> output channels stay float: the int8 GEMM computes 16 output channels at a time,
/// and below that the float convolution was faster (LeNet-5's 6-channel first layer: int8 about 2.5× slower, see
/// docs/quantization.md).
/// </summary>
public sealed record QuantizationOptions(bool PerChannel = true, bool ReduceRange = true, double? AveragingConstant = null, double? Percentile = null,
    int MinConvChannels = 16, ActivationObserver Observer = ActivationObserver.MinMax)
{
    /// <summary>The calibration observer these options select.</summary>
    internal ActivationObserver CalibrationObserver => Percentile is not null ? ActivationObserver.Percentile : Observer;
}
