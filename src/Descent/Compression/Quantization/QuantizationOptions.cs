namespace Descent.Compression.Quantization;

/// <summary>
/// Settings of static quantization and quantization-aware training (PyTorch's x86 default qconfig unless changed):
/// <paramref name="PerChannel"/> weight scales per output channel (else one per tensor); <paramref name="ReduceRange"/>
/// 7-bit activations [0, 127], which lets the u8×s8 kernel run (one bit of activation resolution; else [0, 255]);
/// <paramref name="AveragingConstant"/> makes the input observers moving-average min/max (calibration default: the
/// plain running min/max; quantization-aware training: 0.01 as PyTorch's); <paramref name="Percentile"/> calibrates the
/// inputs with a <see cref="PercentileObserver"/> of that percentile (e.g. 99.99) instead, which ignores outliers
/// (quantization-aware training keeps the moving-average min/max); Conv2d layers with fewer than
/// <paramref name="MinConvChannels"/> output channels stay float: the int8 GEMM computes 16 output channels at a time,
/// and below that the float convolution was faster (LeNet-5's 6-channel first layer: int8 about 2.5× slower, see
/// docs/quantization.md).
/// </summary>
public sealed record QuantizationOptions(bool PerChannel = true, bool ReduceRange = true, double? AveragingConstant = null, double? Percentile = null,
    int MinConvChannels = 16);
