using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// PyTorch's HistogramObserver (torch 1.13, torch/ao/quantization/observer.py), per tensor, for activations: a running
/// histogram of <see cref="Bins"/> (2048) bins over [min, max] of everything observed, and at
/// <see cref="CalculateQParams"/> the range [new_min, new_max] that approximately minimizes the L2 quantization error
/// (<c>_non_linear_param_search</c>, after caffe2's NormMinimization::NonlinearQuantizationParamsSearch): the range
/// shrinks from whichever side holds less mass, 10⁻⁵ of the total at a time, while the error (each histogram bin's
/// mass spread uniformly, rounded to the nearest of the 2⁸ destination bins) keeps falling. Outliers that cost more
/// resolution than their own clipping error are cut off.
/// <para>
/// When a tensor widens the range, the old histogram is upsampled 128× onto a fine grid, placed in the wider range
/// and integrated back into <see cref="Bins"/> bins (<c>_adjust_min_max</c>, <c>_combine_histograms</c>); the max is
/// relaxed so that the new bins are whole multiples of the fine grid. Every step is the float32 (or, where PyTorch
/// uses Python floats or double cumulative sums, float64) arithmetic of PyTorch's code.
/// </para>
/// Deliberate difference: torch 1.13 histograms each tensor with <c>torch.histc(x, bins, min=int(min), max=int(max))</c>,
/// truncating the range to integers (values in (int(max), max] are dropped; a range inside (−1, 1) makes histc fall
/// back to the tensor's own range, misplacing the bins); Descent uses the float range, as the code means and later
/// PyTorch versions do. Where the range has integer ends both agree (tested against torch 1.13 outputs).
/// </summary>
public sealed class HistogramObserver : Observer
{
    private float[] _histogram;

    /// <summary>A histogram observer (PyTorch's defaults: 2048 bins, upsample rate 128, quint8 affine).</summary>
    public HistogramObserver(int bins = 2048, int upsampleRate = 128, QuantizedType type = QuantizedType.QUInt8,
        QScheme scheme = QScheme.PerTensorAffine, bool reduceRange = false, int? quantMin = null, int? quantMax = null, float eps = QParamsMath.Eps)
        : base(type, scheme, reduceRange, quantMin, quantMax, eps)
    {
        if (scheme.IsPerChannel())
            throw new ArgumentException($"HistogramObserver is per tensor (per_tensor_affine or per_tensor_symmetric), not {scheme.TorchName()}.", nameof(scheme));
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "HistogramObserver: at least 2 bins.");
        if (upsampleRate < 1) throw new ArgumentOutOfRangeException(nameof(upsampleRate), upsampleRate, "HistogramObserver: the upsample rate must be positive.");
        Bins = bins;
        UpsampleRate = upsampleRate;
        _histogram = new float[bins];
    }

    /// <summary>Number of histogram bins.</summary>
    public int Bins { get; }

    /// <summary>Resolution factor of the fine grid on which histograms of different ranges are combined.</summary>
    public int UpsampleRate { get; }

    /// <summary>Lower end of the histogram's range; +∞ before any data.</summary>
    public float MinVal { get; private set; } = float.PositiveInfinity;

    /// <summary>Upper end of the histogram's range (relaxed upwards when histograms were combined); −∞ before any data.</summary>
    public float MaxVal { get; private set; } = float.NegativeInfinity;

    /// <summary>A copy of the histogram (bin counts, fractional after combining).</summary>
    public float[] Histogram => (float[])_histogram.Clone();

    // 2^bits of the integer type: the destination bins of the error model (PyTorch's dst_nbins; reduce_range ignored, as there).
    private const int DestinationBins = 256;

    /// <inheritdoc/>
    protected override void Update(Tensor x)
    {
        var span = x.Span<float>();
        float newMin = TensorPrimitives.Min(span), newMax = TensorPrimitives.Max(span);   // NaN if any element is NaN
        if (float.IsNaN(newMin) || float.IsNaN(newMax))
            throw new ArgumentException($"HistogramObserver: the observed tensor {x.Shape} holds NaN.", nameof(x));
        if (float.IsInfinity(newMin) || float.IsInfinity(newMax))
            throw new ArgumentException($"HistogramObserver: the observed tensor {x.Shape} holds an infinite value.", nameof(x));
        bool uninitialized = float.IsPositiveInfinity(MinVal) && float.IsNegativeInfinity(MaxVal);
        if (uninitialized || MinVal == MaxVal)
        {
            (MinVal, MaxVal) = (newMin, newMax);
            _histogram = Histc(span, Bins, newMin, newMax);
            return;
        }
        float combinedMin = MathF.Min(newMin, MinVal), combinedMax = MathF.Max(newMax, MaxVal);
        var (downsampleRate, startIdx) = AdjustMinMax(combinedMin, ref combinedMax);
        var combined = Histc(span, Bins, combinedMin, combinedMax);
        if (combinedMin == MinVal && combinedMax == MaxVal)
            for (int i = 0; i < Bins; i++) combined[i] += _histogram[i];
        else
            CombineHistograms(combined, _histogram, downsampleRate, startIdx);
        _histogram = combined;
        (MinVal, MaxVal) = (combinedMin, combinedMax);
    }

    /// <summary>
    /// torch.histc on the CPU (aten/src/ATen/native/cpu/HistogramKernel.cpp, LINEAR_INTERPOLATION): bin
    /// ⌊(x − min)·bins/(max − min)⌋ in float32, x = max in the last bin, values outside [min, max] ignored; min = max
    /// widens to [min − 1, max + 1].
    /// </summary>
    internal static float[] Histc(ReadOnlySpan<float> x, int bins, float min, float max)
    {
        if (min == max) { min = (float)(min - 1.0); max = (float)(max + 1.0); }
        var hist = new float[bins];
        float width = max - min;
        foreach (float v in x)
        {
            if (!(v >= min && v <= max)) continue;
            long pos = (long)((v - min) * (float)bins / width);
            if (pos >= bins) pos = bins - 1;
            hist[pos] += 1f;
        }
        return hist;
    }

    // _adjust_min_max: a common fine grid of width (max − min)/(bins·upsample) on which the old histogram lands.
    private (int DownsampleRate, int StartIdx) AdjustMinMax(float combinedMin, ref float combinedMax)
    {
        float histBinWidth = (MaxVal - MinVal) / (float)((long)Bins * UpsampleRate);
        float binsWidth = (float)Bins * histBinWidth;
        int downsampleRate = (int)MathF.Ceiling((combinedMax - combinedMin) / binsWidth);
        float e = (float)downsampleRate * binsWidth - (combinedMax - combinedMin);
        combinedMax += e;   // PyTorch relaxes only the max, so one-sided (ReLU) ranges keep their 0
        int startIdx = (int)MathF.Round((MinVal - combinedMin) / histBinWidth, MidpointRounding.ToEven);
        return (downsampleRate, startIdx);
    }

    // _combine_histograms: the old histogram repeated UpsampleRate times on the fine grid (each copy the full count, so
    // divided by UpsampleRate at the end), cumulated in float64, sampled every downsampleRate cells and differenced.
    private void CombineHistograms(float[] target, float[] old, int downsampleRate, int startIdx)
    {
        long fine = (long)Bins * downsampleRate;
        long end = startIdx + (long)Bins * UpsampleRate;
        if (startIdx < 0 || end > fine)
            throw new InvalidOperationException($"HistogramObserver: the old histogram does not fit the combined range (start {startIdx}, end {end}, cells {fine}).");
        var integral = new double[Bins];
        double cumulative = 0;
        for (long cell = 0, bin = 0; cell < fine; cell++)
        {
            if (cell >= startIdx && cell < end) cumulative += old[(cell - startIdx) / UpsampleRate];
            if ((cell + 1) % downsampleRate == 0) integral[bin++] = cumulative;
        }
        for (int i = 0; i < Bins; i++)
        {
            // PyTorch's shifted integral is a float32 tensor: the previous float64 integral is rounded to float32 first.
            double shifted = i == 0 ? 0.0 : (float)integral[i - 1];
            target[i] += (float)((integral[i] - shifted) / UpsampleRate);
        }
    }

    /// <inheritdoc/>
    public override QuantParams CalculateQParams()
    {
        var (min, max) = SearchRange();
        var (scale, zp) = QParamsOf(min, max);
        return new QuantParams([scale], [zp], null, Type, QuantMin, QuantMax);
    }

    /// <summary>
    /// The searched range (PyTorch's <c>_non_linear_param_search</c>): [min + w·start_bin, min + w·(end_bin + 1)] with
    /// w = (max − min)/bins; (+∞, −∞) before any data.
    /// </summary>
    public (float Min, float Max) SearchRange()
    {
        if (!HasObserved) return (MinVal, MaxVal);
        float binWidth = (MaxVal - MinVal) / (float)Bins;
        double total = SumAsFloat32(_histogram);
        var cSum = new float[Bins];
        double running = 0;
        for (int i = 0; i < Bins; i++) { running += _histogram[i]; cSum[i] = (float)running; }   // CPU cumsum accumulates float in double
        const double stepSize = 1e-5;
        double alpha = 0.0, beta = 1.0, normMin = double.PositiveInfinity;
        int startBin = 0, endBin = Bins - 1;
        while (alpha < beta)
        {
            double nextAlpha = alpha + stepSize, nextBeta = beta - stepSize;
            int l = startBin, r = endBin;
            // A float32 tensor compared with a Python float: the comparison runs in float32.
            float lowBound = (float)(nextAlpha * total), highBound = (float)(nextBeta * total);
            while (l < endBin && cSum[l] < lowBound) l++;
            while (r > startBin && cSum[r] > highBound) r--;
            int nextStart = startBin, nextEnd = endBin;
            if (l - startBin > endBin - r) { nextStart = l; alpha = nextAlpha; }
            else { nextEnd = r; beta = nextBeta; }
            if (nextStart == startBin && nextEnd == endBin) continue;
            double norm = QuantizationError(nextStart, nextEnd);
            if (norm > normMin) break;
            normMin = norm;
            (startBin, endBin) = (nextStart, nextEnd);
        }
        return (MinVal + binWidth * (float)startBin, MinVal + binWidth * (float)(endBin + 1));
    }

    // torch.sum of a float32 tensor, returned as a Python float: the exact sum rounded to float32 (PyTorch's cascade
    // summation agrees up to rounding of fractional counts).
    private static double SumAsFloat32(float[] values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)sum;
    }

    /// <summary>
    /// PyTorch's <c>_compute_quantization_error</c>: the L2 error of quantizing the histogram's mass (uniform within each
    /// bin) onto 256 destination bins spanning bins [<paramref name="nextStartBin"/>, <paramref name="nextEndBin"/>];
    /// mass outside is clamped to the end bins. Python-float widths, float32 tensors, as there.
    /// </summary>
    internal double QuantizationError(int nextStartBin, int nextEndBin)
    {
        double binWidth = ((double)MaxVal - MinVal) / Bins;
        double dstBinWidth = binWidth * (nextEndBin - nextStartBin + 1) / DestinationBins;
        if (dstBinWidth == 0.0) return 0.0;
        float bw = (float)binWidth, dbw = (float)dstBinWidth, half = (float)(dstBinWidth / 2), negHalf = (float)(-dstBinWidth / 2);
        float fullBinNorm = (half * half * half - negHalf * negHalf * negHalf) / 3f;
        double sum = 0;
        for (int i = 0; i < Bins; i++)
        {
            float srcBegin = (float)(i - nextStartBin) * bw;
            float srcEnd = srcBegin + bw;
            float dstOfBegin = Math.Clamp(DivFloor(srcBegin, dbw), 0f, DestinationBins - 1);
            float dstOfBeginCenter = (dstOfBegin + 0.5f) * dbw;
            float dstOfEnd = Math.Clamp(DivFloor(srcEnd, dbw), 0f, DestinationBins - 1);
            float density = _histogram[i] / bw;
            float norm = 0f;
            float deltaBegin = srcBegin - dstOfBeginCenter;
            norm += density * ((half * half * half - deltaBegin * deltaBegin * deltaBegin) / 3f);
            norm += (dstOfEnd - dstOfBegin - 1f) * (density * fullBinNorm);
            float dstOfEndCenter = dstOfEnd * dbw + half;
            float deltaEnd = srcEnd - dstOfEndCenter;
            norm += density * ((deltaEnd * deltaEnd * deltaEnd - negHalf * negHalf * negHalf) / 3f);
            sum += norm;
        }
        return (float)sum;
    }

    /// <summary>torch.div(a, b, rounding_mode='floor') for floats (c10::div_floor_floating): Python's floor division.</summary>
    internal static float DivFloor(float a, float b)
    {
        float mod = a % b;   // C# % on floats is fmod
        float div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1f;
        if (div == 0) return MathF.CopySign(0f, a / b);
        float floorDiv = MathF.Floor(div);
        if (div - floorDiv > 0.5f) floorDiv += 1f;
        return floorDiv;
    }
}
