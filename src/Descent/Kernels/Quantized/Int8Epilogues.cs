using System.Runtime.Intrinsics;

namespace Descent.Kernels.Quantized;

/// <summary>Copies the raw int32 accumulators to C (tests, and the fixture's exact integer definition).</summary>
internal readonly unsafe struct Int32Output(int* c, nint ldc) : IInt8Epilogue
{
    public void Apply(int row, int rows, int column, int columns, int* tile, nint ldt)
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<int>(tile + r * ldt, columns).CopyTo(new Span<int>(c + (row + r) * ldc + column, columns));
    }
}

/// <summary>
/// The dynamic-quantized Linear's output: C[i, j] = (acc · aScale) · bScale[j] + bias[j] in float32 (PyTorch's
/// definition order; fbgemm's float output path is the same), then max(·, 0) when <c>relu</c> is set; with
/// <c>correction</c> (the u8 kernel's z_x·Σw per column) acc is the kernel's sum minus it.
/// </summary>
internal readonly unsafe struct FloatOutput(float* c, nint ldc, float aScale, float* bScale, float* bias, bool relu, int* correction) : IInt8Epilogue
{
    public void Apply(int row, int rows, int column, int columns, int* tile, nint ldt)
    {
        float* scale = bScale + column;
        float* b = bias is null ? null : bias + column;
        int* corr = correction is null ? null : correction + column;
        for (int r = 0; r < rows; r++)
        {
            int* acc = tile + r * ldt;
            float* o = c + (row + r) * ldc + column;
            int j = 0;
            if (KernelConfig.UseVector512)
            {
                var sa = Vector512.Create(aScale);
                for (; j + 16 <= columns; j += 16)
                {
                    var sum = Vector512.Load(acc + j);
                    if (corr is not null) sum -= Vector512.Load(corr + j);
                    var v = Vector512.ConvertToSingle(sum) * sa * Vector512.Load(scale + j);
                    if (b is not null) v += Vector512.Load(b + j);
                    if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                    v.Store(o + j);
                }
            }
            else if (KernelConfig.UseVector256)
            {
                var sa = Vector256.Create(aScale);
                for (; j + 8 <= columns; j += 8)
                {
                    var sum = Vector256.Load(acc + j);
                    if (corr is not null) sum -= Vector256.Load(corr + j);
                    var v = Vector256.ConvertToSingle(sum) * sa * Vector256.Load(scale + j);
                    if (b is not null) v += Vector256.Load(b + j);
                    if (relu) v = Vector256.Max(v, Vector256<float>.Zero);
                    v.Store(o + j);
                }
            }
            for (; j < columns; j++)
            {
                float v = (corr is null ? acc[j] : acc[j] - corr[j]) * aScale * scale[j];
                if (b is not null) v += b[j];
                o[j] = relu ? MathF.Max(v, 0) : v;
            }
        }
    }
}
