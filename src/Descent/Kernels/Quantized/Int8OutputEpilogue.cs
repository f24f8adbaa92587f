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
/// are identical across paths. The per-column arrays (weight scales, bias, correction) must be readable up to a whole
/// panel past the last column (<see cref="Int8PackedMatrix.PaddedColumns"/>); the skip and the output are not read or
/// written past it.
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
    public static Int8OutputEpilogue FloatRows(float* c, nint ldc, int n, Int8Scaling s) =>
        new(Int8OutputKind.FloatRows, c, ldc, n, 0, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 0, 0, 0, 0);

    /// <summary>Float NCHW output [images × n × pixels] for rows p = image·pixels + pixel.</summary>
    public static Int8OutputEpilogue FloatChannels(float* c, int n, int pixels, Int8Scaling s) =>
        new(Int8OutputKind.FloatChannels, c, 0, n, pixels, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 0, 0, 0, 0);

    /// <summary>uint8 rows requantized with (outScale, zeroPoint) onto [quantMin, quantMax].</summary>
    public static Int8OutputEpilogue UInt8Rows(byte* c, nint ldc, int n, Int8Scaling s, float outScale, int zeroPoint, int quantMin, int quantMax) =>
        new(Int8OutputKind.UInt8Rows, c, ldc, n, 0, s.Correction, s.AScale, s.WScale, s.Bias, s.Skip, s.LdSkip, s.Relu, 1f / outScale, zeroPoint, quantMin, quantMax);

    public void Apply(int row, int rows, int column, int columns, int* tile, nint ldt)
    {
        float* skipped = stackalloc float[16];
        float* values = stackalloc float[16];
        if (KernelConfig.UseVector512 && Avx512F.IsSupported)
        {
            // Column chunks outside, rows inside: the chunk's correction, scales and bias are loaded once per tile. Whole
            // vectors also over a partial last panel (the tile and those arrays are padded to the panel width); only
            // the output and the skip row are staged through the stack there, unless the overrun is harmless.
            for (int j = 0; j < columns; j += 16)
            {
                int count = Math.Min(16, columns - j);
                var corr = _correction is null ? Vector512<int>.Zero : Vector512.Load(_correction + column + j);
                var aScale = Vector512.Create(_aScale);
                var scale = Vector512.Load(_wScale + column + j);
                var bias = _bias is null ? Vector512<float>.Zero : Vector512.Load(_bias + column + j);
                for (int r = 0; r < rows; r++)
                {
                    var v = Vector512.ConvertToSingle(Vector512.Load(tile + r * ldt + j) - corr) * aScale * scale + bias;
                    if (_skip is not null) v += Vector512.Load(Staged(_skip + (row + r) * _ldSkip + column, j, count, 16, skipped) + j);
                    if (_relu) v = Vector512.Max(v, Vector512<float>.Zero);
                    bool whole = count == 16 || (j == 0 && Overrun(column, columns, r, rows, 16));
                    if (_kind == Int8OutputKind.UInt8Rows)
                    {
                        var q = Avx512F.ConvertToVector128Byte(Requantize512(v));
                        byte* o = (byte*)_c + (row + r) * _ldc + column + j;
                        if (whole) q.Store(o);
                        else StoreBytes(q, o, count);
                    }
                    else
                    {
                        v.Store(values);
                        Emit(row + r, column + j, count, values, whole, v512: true, v);
                    }
                }
            }
            return;
        }
        if (KernelConfig.UseVector256 && Avx2.IsSupported)
        {
            for (int j = 0; j < columns; j += 8)
            {
                int count = Math.Min(8, columns - j);
                var corr = _correction is null ? Vector256<int>.Zero : Vector256.Load(_correction + column + j);
                var aScale = Vector256.Create(_aScale);
                var scale = Vector256.Load(_wScale + column + j);
                var bias = _bias is null ? Vector256<float>.Zero : Vector256.Load(_bias + column + j);
                for (int r = 0; r < rows; r++)
                {
                    var v = Vector256.ConvertToSingle(Vector256.Load(tile + r * ldt + j) - corr) * aScale * scale + bias;
                    if (_skip is not null) v += Vector256.Load(Staged(_skip + (row + r) * _ldSkip + column, j, count, 8, skipped) + j);
                    if (_relu) v = Vector256.Max(v, Vector256<float>.Zero);
                    bool whole = count == 8 || (j == 0 && Overrun(column, columns, r, rows, 8));
                    if (_kind == Int8OutputKind.UInt8Rows)
                    {
                        var q = Requantize256(v);
                        var s = Vector256.Narrow(q, q).GetLower().AsUInt16();
                        var b8 = Vector128.Narrow(s, s);
                        byte* o = (byte*)_c + (row + r) * _ldc + column + j;
                        if (whole) *(ulong*)o = b8.AsUInt64().ToScalar();
                        else StoreBytes(b8, o, count);
                    }
                    else
                    {
                        v.Store(values);
                        Emit(row + r, column + j, count, values, whole, v512: false, default);
                    }
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            int* acc = tile + r * ldt;
            float* skip = _skip is null ? null : _skip + (row + r) * _ldSkip + column;
            for (int j = 0; j < columns; j++)
            {
                float v = Value(acc, skip, column, j);
                if (_kind == Int8OutputKind.UInt8Rows) ((byte*)_c)[(row + r) * _ldc + column + j] = (byte)Requantize(v);
                else
                {
                    values[0] = v;
                    Emit(row + r, column + j, 1, values, false, false, default);
                }
            }
        }
    }

    // True when a whole vector (ending at column `end` of row r) may be stored past a partial last panel: the row is a
    // single vector chunk (so the rows are written in order), the tile spans every column of dense rows, and the
    // overrun stays inside this tile's later rows (written after it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Overrun(int column, int columns, int r, int rows, int end) =>
        column == 0 && columns == _n && _ldc == _n && (long)r * _n + end <= (long)rows * _n;

    /// <summary>Writes count float values of output row p from column c on (rows, or NCHW planes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(int p, int c, int count, float* values, bool whole, bool v512, Vector512<float> v)
    {
        if (_kind == Int8OutputKind.FloatRows)
        {
            float* o = (float*)_c + p * _ldc + c;
            if (whole && v512) v.Store(o);
            else if (whole) Vector256.Load(values).Store(o);
            else for (int t = 0; t < count; t++) o[t] = values[t];
            return;
        }
        int image = p / _pixels, pixel = p - image * _pixels;
        float* plane = (float*)_c + ((nint)image * _n + c) * _pixels + pixel;
        for (int t = 0; t < count; t++) plane[(nint)t * _pixels] = values[t];
    }

    /// <summary>The skip values from column j on, copied to the stack (zero-padded) when fewer than a vector remain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Staged(float* skip, int j, int count, int vector, float* stage)
    {
        if (skip is null || count == vector) return skip;
        for (int t = 0; t < 16; t++) stage[t] = t < count ? skip[j + t] : 0f;
        return stage - j;   // Value reads skip + j
    }

    private static void StoreBytes(Vector128<byte> q, byte* destination, int count)
    {
        byte* stage = stackalloc byte[16];
        q.Store(stage);
        for (int t = 0; t < count; t++) destination[t] = stage[t];
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
