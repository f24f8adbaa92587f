using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// PyTorch's PerChannelMinMaxObserver and MovingAveragePerChannelMinMaxObserver (<see cref="AveragingConstant"/> set):
/// a running min/max (or its moving average) for every index along <see cref="Axis"/>, in float32. The default is
/// the weight observer of PyTorch's dynamic and static qconfigs: qint8, per-channel symmetric, axis 0.
/// </summary>
public sealed class PerChannelMinMaxObserver : Observer
{
    private float[]? _min, _max;

    /// <summary>A per-channel observer along <paramref name="axis"/>.</summary>
    public PerChannelMinMaxObserver(int axis = 0, QuantizedType type = QuantizedType.QInt8, QScheme scheme = QScheme.PerChannelSymmetric,
        bool reduceRange = false, int? quantMin = null, int? quantMax = null, float eps = QParamsMath.Eps, double? averagingConstant = null)
        : base(type, scheme, reduceRange, quantMin, quantMax, eps)
    {
        if (!scheme.IsPerChannel())
            throw new ArgumentException($"PerChannelMinMaxObserver needs a per-channel scheme, got {scheme.TorchName()}.", nameof(scheme));
        ArgumentOutOfRangeException.ThrowIfNegative(axis);
        if (averagingConstant is double c && !(c > 0 && c <= 1))
            throw new ArgumentOutOfRangeException(nameof(averagingConstant), c, "averaging_constant must be in (0, 1].");
        Axis = axis;
        AveragingConstant = averagingConstant;
    }

    /// <summary>The channel axis.</summary>
    public int Axis { get; }

    /// <summary>The moving-average constant, or null for the plain running min/max.</summary>
    public double? AveragingConstant { get; }

    /// <summary>Per-channel minimum (empty before any data).</summary>
    public IReadOnlyList<float> MinVal => _min ?? [];

    /// <summary>Per-channel maximum (empty before any data).</summary>
    public IReadOnlyList<float> MaxVal => _max ?? [];

    /// <inheritdoc/>
    protected override void Update(Tensor x)
    {
        if (Axis >= x.Rank)
            throw new ArgumentException($"PerChannelMinMaxObserver: axis {Axis} is out of range for an input of shape {x.Shape}.", nameof(x));
        int channels = x.Shape[Axis];
        if (_min is not null && _min.Length != channels)
            throw new ArgumentException($"PerChannelMinMaxObserver: input {x.Shape} has {channels} channels along axis {Axis}, earlier inputs had {_min.Length}.", nameof(x));
        int outer = 1, inner = 1;
        for (int d = 0; d < Axis; d++) outer *= x.Shape[d];
        for (int d = Axis + 1; d < x.Rank; d++) inner *= x.Shape[d];
        var min = new float[channels];
        var max = new float[channels];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        var span = x.Span<float>();
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
            {
                var run = span.Slice((o * channels + c) * inner, inner);
                min[c] = MathF.Min(min[c], TensorPrimitives.Min(run));
                max[c] = MathF.Max(max[c], TensorPrimitives.Max(run));
            }
        if (_min is null || _max is null)
        {
            (_min, _max) = (min, max);
            return;
        }
        float cf = (float)(AveragingConstant ?? 0);
        for (int c = 0; c < channels; c++)
        {
            if (AveragingConstant is not null)
            {
                _min[c] += cf * (min[c] - _min[c]);
                _max[c] += cf * (max[c] - _max[c]);
            }
            else
            {
                _min[c] = MathF.Min(_min[c], min[c]);
                _max[c] = MathF.Max(_max[c], max[c]);
            }
        }
    }

    /// <inheritdoc/>
    public override QuantParams CalculateQParams()
    {
        if (_min is null || _max is null)
            return new QuantParams([1f], [0], Axis, Type, QuantMin, QuantMax);
        var scales = new float[_min.Length];
        var zps = new int[_min.Length];
        for (int c = 0; c < scales.Length; c++)
            (scales[c], zps[c]) = QParamsOf(_min[c], _max[c]);
        return new QuantParams(scales, zps, Axis, Type, QuantMin, QuantMax);
    }
}
