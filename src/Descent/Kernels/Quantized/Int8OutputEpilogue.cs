using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>Where <see cref="Int8OutputEpilogue"/> writes: float rows, float NCHW planes, or requantized uint8 rows.</summary>
internal enum Int8OutputKind
{
    /// <summary>float32 [m × n] with row stride ldc (Linear outputs, NHWC float).</summary>
    FloatRows,

    /// <summary>float32 NCHW: row p = image·pixels + pixel goes to output[image, column, pixel] (a convolution leaving int8).</summary>
    FloatChannels,

    /// <summary>uint8 [m × n] with row stride ldc, requantized (the next int8 layer's input; NHWC for convolutions).</summary>
    UInt8Rows,
}

/// <summary>
/// The epilogue of the static int8 layers, applied to each finished int32 tile while it is in L1:
/// y = ((acc − z_x·Σw) · x_scale) · w_scale[j] + bias[j] (PyTorch's order, the float value of the quantized layer), plus
/// an optional float skip value (a residual branch's shortcut, row-major like the output), max(·, 0) for a fused ReLU,
/// then either stored as float (rows or NCHW planes) or requantized for the next int8 layer:
/// q = clamp(round_half_even(y · (1/out_scale)), quant_min − zp, quant_max − zp) + zp, the same rule and rounding as
/// <see cref="QuantizeKernels"/>, so the uint8 output equals quantizing the float output (one rounding, like fbgemm's
/// requantization with a float bias). Every path computes the same float operations in the same order, so the results
/// are identical across paths.
/// </summary>
internal readonly unsafe struct Int8OutputEpilogue : IInt8Epilogue
{
    private readonly Int8OutputKind _kind;
    private readonly void* _c;
    private readonly nint _ldc;
    private readonly int _n, _pixels;
    private readonly int* _correction;
    private readonly float _aScale;
    private readonly float* _wScale, _bias, _skip;
    private readonly nint _ldSkip;
    private readonly bool _relu;
    private readonly float _inverseScale, _lo, _hi;
    private readonly int _zeroPoint;

    private Int8OutputEpilogue(Int8OutputKind kind, void* c, nint ldc, int n, int pixels, int* correction, float aScale, float* wScale,
        float* bias, float* skip, nint ldSkip, bool relu, float inverseScale, int zeroPoint, int quantMin, int quantMax)
    {
        _kind = kind;
        _c = c;
        _ldc = ldc;
        _n = n;
        _pixels = pixels;
        _correction = correction;
        _aScale = aScale;
        _wScale = wScale;
        _bias = bias;
        _skip = skip;
        _ldSkip = ldSkip;
        _relu = relu;
        _inverseScale = inverseScale;
        _zeroPoint = zeroPoint;
        _lo = quantMin - zeroPoint;
        _hi = quantMax - zeroPoint;
    }

    /// <summary>Float rows C[m × n] (row stride ldc).</summary>
    public static Int8OutputEpilogue FloatRows(float* c, nint ldc, Int8Scaling s) =>
        new(Int8OutputKind.FloatRows, c, ldc, 0, 0, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 0, 0, 0, 0);

    /// <summary>Float NCHW output [images × n × pixels] for rows p = image·pixels + pixel.</summary>
    public static Int8OutputEpilogue FloatChannels(float* c, int n, int pixels, Int8Scaling s) =>
        new(Int8OutputKind.FloatChannels, c, 0, n, pixels, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 0, 0, 0, 0);

    /// <summary>uint8 rows requantized with (outScale, zeroPoint) onto [quantMin, quantMax].</summary>
    public static Int8OutputEpilogue UInt8Rows(byte* c, nint ldc, Int8Scaling s, float outScale, int zeroPoint, int quantMin, int quantMax) =>
        new(Int8OutputKind.UInt8Rows, c, ldc, 0, 0, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 1f / outScale, zeroPoint, quantMin, quantMax);

    public void Apply(int row, int rows, int column, int columns, int* tile, nint ldt)
    {
        float* values = stackalloc float[Int8PackedMatrix.PanelWidth * 4 + 16];
        for (int r = 0; r < rows; r++)
        {
            int* acc = tile + r * ldt;
            float* skip = _skip is null ? null : _skip + (row + r) * _ldSkip + column;
            int j = 0;
            if (KernelConfig.UseVector512 && Avx512F.IsSupported)
            {
                for (; j + 16 <= columns; j += 16)
                {
                    var v = Value512(acc, skip, column, j);
                    if (_kind == Int8OutputKind.UInt8Rows)
                        Avx512F.ConvertToVector128Byte(Requantize512(v)).Store((byte*)_c + (row + r) * _ldc + column + j);
                    else if (_kind == Int8OutputKind.FloatRows)
                        v.Store((float*)_c + (row + r) * _ldc + column + j);
                    else
                        v.Store(values + j);
                }
            }
            else if (KernelConfig.UseVector256 && Avx2.IsSupported)
            {
                for (; j + 8 <= columns; j += 8)
                {
                    var v = Value256(acc, skip, column, j);
                    if (_kind == Int8OutputKind.UInt8Rows)
                    {
                        var q = Requantize256(v);
                        var s = Vector256.Narrow(q, q).GetLower().AsUInt16();
                        *(ulong*)((byte*)_c + (row + r) * _ldc + column + j) = Vector128.Narrow(s, s).AsUInt64().ToScalar();
                    }
                    else if (_kind == Int8OutputKind.FloatRows)
                        v.Store((float*)_c + (row + r) * _ldc + column + j);
                    else
                        v.Store(values + j);
                }
            }
            for (; j < columns; j++)
            {
                float v = Value(acc, skip, column, j);
                if (_kind == Int8OutputKind.UInt8Rows)
                    ((byte*)_c)[(row + r) * _ldc + column + j] = (byte)Requantize(v);
                else if (_kind == Int8OutputKind.FloatRows)
                    ((float*)_c)[(row + r) * _ldc + column + j] = v;
                else
                    values[j] = v;
            }
            if (_kind == Int8OutputKind.FloatChannels)
            {
                int p = row + r, image = p / _pixels, pixel = p % _pixels;
                float* o = (float*)_c + ((nint)image * _n + column) * _pixels + pixel;
                for (int c = 0; c < columns; c++) o[(nint)c * _pixels] = values[c];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Value(int* acc, float* skip, int column, int j)
    {
        int sum = _correction is null ? acc[j] : acc[j] - _correction[column + j];
        float v = sum * _aScale * _wScale[column + j];
        if (_bias is not null) v += _bias[column + j];
        if (skip is not null) v += skip[j];
        return _relu ? MathF.Max(v, 0) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<float> Value512(int* acc, float* skip, int column, int j)
    {
        var sum = Vector512.Load(acc + j);
        if (_correction is not null) sum -= Vector512.Load(_correction + column + j);
        var v = Vector512.ConvertToSingle(sum) * Vector512.Create(_aScale) * Vector512.Load(_wScale + column + j);
        if (_bias is not null) v += Vector512.Load(_bias + column + j);
        if (skip is not null) v += Vector512.Load(skip + j);
        return _relu ? Vector512.Max(v, Vector512<float>.Zero) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> Value256(int* acc, float* skip, int column, int j)
    {
        var sum = Vector256.Load(acc + j);
        if (_correction is not null) sum -= Vector256.Load(_correction + column + j);
        var v = Vector256.ConvertToSingle(sum) * Vector256.Create(_aScale) * Vector256.Load(_wScale + column + j);
        if (_bias is not null) v += Vector256.Load(_bias + column + j);
        if (skip is not null) v += Vector256.Load(skip + j);
        return _relu ? Vector256.Max(v, Vector256<float>.Zero) : v;
    }

    // QuantizeKernels' rule: round (ties to even), clamp in float to the offsets of the range, convert, add zp.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Requantize(float v)
    {
        float r = MathF.Round(v * _inverseScale, MidpointRounding.ToEven);
        return (int)Math.Clamp(r, _lo, _hi) + _zeroPoint;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<int> Requantize512(Vector512<float> v)
    {
        var r = Avx512F.RoundScale(v * _inverseScale, 0x08);
        r = Avx512F.Min(Avx512F.Max(r, Vector512.Create(_lo)), Vector512.Create(_hi));
        return Avx512F.ConvertToVector512Int32(r) + Vector512.Create(_zeroPoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> Requantize256(Vector256<float> v)
    {
        var r = Avx.RoundToNearestInteger(v * _inverseScale);
        r = Avx.Min(Avx.Max(r, Vector256.Create(_lo)), Vector256.Create(_hi));
        return Avx.ConvertToVector256Int32(r) + Vector256.Create(_zeroPoint);
    }
}

/// <summary>
/// The float part of an int8 layer's output: the u8 kernel's zero-point correction z_x·Σw per column (or null),
/// the activation scale, per-column weight scales, bias (or null), an optional float skip added before the ReLU
/// (row stride ldSkip), and the fused ReLU.
/// </summary>
internal readonly unsafe struct Int8Scaling(int* correction, float aScale, float* wScale, float* bias, bool relu, float* skip = null, nint ldSkip = 0)
{
    public readonly int* Correction = correction;
    public readonly float AScale = aScale;
    public readonly float* WScale = wScale, Bias = bias, Skip = skip;
    public readonly bool Relu = relu;
    public readonly nint LdSkip = ldSkip;
}
