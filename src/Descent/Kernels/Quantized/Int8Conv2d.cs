using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels.Quantized;

/// <summary>
/// The int8 convolution on NHWC uint8 activations: the input is first copied into a zero-point-padded NHWC buffer
/// (<see cref="PaddedLength"/>, <see cref="Pad"/>, or <see cref="QuantizeToPadded"/> straight from float NCHW), then
/// the receptive field of each output pixel is packed on the fly as one row of A (kh runs of kw·C contiguous bytes:
/// the fused im2col, <see cref="ConvPatchRows"/>) and multiplied with the weights packed as [out × kh·kw·in]
/// (the [out, kh, kw, in] order) by <see cref="Int8RowGemm"/>. The GEMM's rows are the output pixels of the whole
/// batch, so its natural row-major output is NHWC: the requantized uint8 output needs no transpose.
/// </summary>
/// <remarks>
/// Why NHWC: a patch row is kh contiguous runs instead of kh·kw·C scattered bytes (NCHW), the product comes out in the
/// layout the next layer reads, and max-pooling runs on contiguous channel vectors. PyTorch's x86 quantized engines
/// (fbgemm, onednn) use channels-last for the same reasons. Padding with the zero point (the integer of 0.0) is
/// PyTorch's rule for quantized convolutions; padding once up front removes every bounds check from the packing.
/// </remarks>
internal static class Int8Conv2d
{
    /// <summary>Bytes of the padded NHWC buffer for <paramref name="images"/> images, including the packer's read slack.</summary>
    public static int PaddedLength(int images, int height, int width, int channels, Int8ConvGeometry g) =>
        checked(images * (height + g.PadTop + g.PadBottom) * (width + g.PadLeft + g.PadRight) * channels + Int8RowGemm.ScratchSlack);

    /// <summary>Copies NHWC <paramref name="x"/> into the padded buffer, borders set to <paramref name="zeroPoint"/>.</summary>
    public static unsafe void Pad(ReadOnlySpan<byte> x, int images, int height, int width, int channels, Int8ConvGeometry g, byte zeroPoint, Span<byte> padded)
    {
        int hp = height + g.PadTop + g.PadBottom, wp = width + g.PadLeft + g.PadRight, line = width * channels;
        if (padded.Length < PaddedLength(images, height, width, channels, g) || x.Length < images * height * line)
            throw new DescentInternalException("Int8Conv2d.Pad: buffer sizes do not match the geometry.");
        bool borders = g.PadTop + g.PadBottom + g.PadLeft + g.PadRight > 0;
        if (borders) padded.Fill(zeroPoint);
        fixed (byte* src = x)
        fixed (byte* dst = padded)
        {
            if (!borders)
            {
                Buffer.MemoryCopy(src, dst, padded.Length, (long)images * height * line);
                return;
            }
            for (int i = 0; i < images; i++)
                for (int h = 0; h < height; h++)
                    Unsafe.CopyBlockUnaligned(dst + ((nint)(i * hp + h + g.PadTop) * wp + g.PadLeft) * channels,
                        src + ((nint)i * height + h) * line, (uint)line);
        }
    }

    /// <summary>
    /// Quantizes float NCHW <paramref name="x"/> (scale, zero point onto [0, quantMax], <see cref="QuantizeKernels"/>'
    /// rule) into the padded NHWC buffer: the boundary from a float layer into an int8 convolution, in one pass.
    /// </summary>
    public static unsafe void QuantizeToPadded(ReadOnlySpan<float> x, int images, int channels, int height, int width, Int8ConvGeometry g,
        float scale, int zeroPoint, int quantMax, Span<byte> padded)
    {
        int hp = height + g.PadTop + g.PadBottom, wp = width + g.PadLeft + g.PadRight;
        if (padded.Length < PaddedLength(images, height, width, channels, g) || x.Length < images * channels * height * width)
            throw new DescentInternalException("Int8Conv2d.QuantizeToPadded: buffer sizes do not match the geometry.");
        if (g.PadTop + g.PadBottom + g.PadLeft + g.PadRight > 0) padded.Fill((byte)zeroPoint);
        byte[]? rented = channels == 1 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(width);
        try
        {
            for (int i = 0; i < images; i++)
                for (int c = 0; c < channels; c++)
                    for (int h = 0; h < height; h++)
                    {
                        var source = x.Slice(((i * channels + c) * height + h) * width, width);
                        int start = ((i * hp + h + g.PadTop) * wp + g.PadLeft) * channels + c;
                        if (channels == 1)
                        {
                            QuantizeKernels.Quantize(source, 1f / scale, zeroPoint, 0, quantMax, padded.Slice(start, width));
                            continue;
                        }
                        var q = rented.AsSpan(0, width);
                        QuantizeKernels.Quantize(source, 1f / scale, zeroPoint, 0, quantMax, q);
                        fixed (byte* d = padded)
                        {
                            byte* o = d + start;
                            for (int w = 0; w < width; w++) o[(nint)w * channels] = q[w];
                        }
                    }
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The convolution with the static layers' epilogue over spans (the per-column arrays padded to
    /// <see cref="Int8PackedMatrix.PaddedColumns"/>; <paramref name="skip"/> empty for none): <paramref name="kind"/>
    /// selects uint8 rows requantized with (outScale, outZeroPoint) onto [0, quantMax] into <paramref name="bytes"/>, or
    /// float rows / NCHW planes into <paramref name="floats"/>.
    /// </summary>
    public static unsafe void Run(ReadOnlySpan<byte> padded, int images, int height, int width, int channels, Int8ConvGeometry g,
        Int8PackedMatrix w, int aQuantMax, ReadOnlySpan<int> correction, float aScale, ReadOnlySpan<float> wScale, ReadOnlySpan<float> bias,
        bool relu, ReadOnlySpan<float> skip, Int8OutputKind kind, Span<byte> bytes, Span<float> floats, float outScale, int outZeroPoint, int quantMax)
    {
        int n = w.N, padded16 = Int8PackedMatrix.PaddedColumns(n), rows = images * g.OutputHeight(height) * g.OutputWidth(width);
        if (padded.Length < PaddedLength(images, height, width, channels, g) || correction.Length < padded16 || wScale.Length < padded16
            || (!bias.IsEmpty && bias.Length < padded16) || (!skip.IsEmpty && skip.Length < rows * n)
            || (kind == Int8OutputKind.UInt8Rows ? bytes.Length : floats.Length) < rows * n)
            throw new DescentInternalException("Int8Conv2d.Run: buffer sizes do not match the geometry.");
        fixed (byte* pa = padded)
        fixed (int* pc = correction)
        fixed (float* ps = wScale)
        fixed (float* pb = bias)
        fixed (float* pk = skip)
        fixed (byte* pq = bytes)
        fixed (float* pf = floats)
        {
            var scaling = new Int8Scaling(pc, aScale, ps, pb, relu, pk, n);
            var epilogue = kind switch
            {
                Int8OutputKind.UInt8Rows => Int8OutputEpilogue.UInt8Rows(pq, n, n, scaling, outScale, outZeroPoint, 0, quantMax),
                Int8OutputKind.FloatRows => Int8OutputEpilogue.FloatRows(pf, n, n, scaling),
                _ => Int8OutputEpilogue.FloatChannels(pf, n, g.OutputHeight(height) * g.OutputWidth(width), scaling),
            };
            Run(pa, images, height, width, channels, g, w, aQuantMax, epilogue);
        }
    }

    /// <summary>
    /// The convolution of the padded NHWC batch (<paramref name="height"/>, <paramref name="width"/> are the unpadded
    /// sizes) with the packed weights [out × kh·kw·channels]; each finished tile (rows = image·outH·outW + pixel,
    /// columns = output channels) goes to <paramref name="epilogue"/>.
    /// </summary>
    public static unsafe void Run<TE>(byte* padded, int images, int height, int width, int channels, Int8ConvGeometry g,
        Int8PackedMatrix w, int aQuantMax, TE epilogue) where TE : struct, IInt8Epilogue
    {
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width);
        if (w.K != g.KernelH * g.KernelW * channels)
            throw new DescentInternalException($"Int8Conv2d: packed k = {w.K} is not {g.KernelH}×{g.KernelW}×{channels}.");
        var source = new ConvPatchRows(padded, height + g.PadTop + g.PadBottom, width + g.PadLeft + g.PadRight, channels, g, outH, outW);
        Int8RowGemm.Run(images * outH * outW, source, w, aQuantMax, epilogue);
    }
}

/// <summary>
/// The fused im2col: row p = image·outH·outW + oh·outW + ow of A is the receptive field of that output pixel in the
/// zero-point-padded NHWC batch, in [kh, kw, C] order (kh runs of kw·C contiguous bytes when the dilation is 1), packed
/// into the GEMM's scratch block when the block is needed.
/// </summary>
internal readonly unsafe struct ConvPatchRows(byte* padded, int hp, int wp, int channels, Int8ConvGeometry g, int outH, int outW) : IInt8RowSource
{
    public nint Lda => g.KernelH * g.KernelW * channels;

    public bool Packs => true;

    public byte* Rows(int row0, int rows, byte* scratch)
    {
        int pixels = outH * outW, kh = g.KernelH, kw = g.KernelW, c = channels;
        nint lineBytes = (nint)wp * c, rowStep = g.DilationH * lineBytes, runBytes = (nint)kw * c, columnStep = (nint)g.DilationW * c;
        nint lda = Lda;
        byte* dst = scratch;
        // One division for the block's first row, then the pixel position advances (divisions per row would cost as
        // much as copying a short receptive field).
        int image = row0 / pixels, rem = row0 - image * pixels, oh = rem / outW, ow = rem - oh * outW;
        for (int r = 0; r < rows; r++, dst += lda)
        {
            byte* src = padded + ((nint)(image * hp + oh * g.StrideH) * wp + (nint)ow * g.StrideW) * c;
            byte* d = dst;
            for (int i = 0; i < kh; i++, src += rowStep)
            {
                if (g.DilationW == 1)
                {
                    Copy(d, src, runBytes);
                    d += runBytes;
                    continue;
                }
                for (int j = 0; j < kw; j++, d += c) Copy(d, src + j * columnStep, c);
            }
            if (++ow == outW)
            {
                ow = 0;
                if (++oh == outH)
                {
                    oh = 0;
                    image++;
                }
            }
        }
        return scratch;
    }

    /// <summary>
    /// Copies len bytes; runs of at most 8 bytes copy 8 (the source has read slack, and the bytes written past the run
    /// are the next run's, written after it, or the scratch's slack), longer ones with two overlapping vectors or a loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(byte* d, byte* s, nint len)
    {
        if (len <= 8)
        {
            *(ulong*)d = *(ulong*)s;
        }
        else if (len <= 16)
        {
            *(ulong*)d = *(ulong*)s;
            *(ulong*)(d + len - 8) = *(ulong*)(s + len - 8);
        }
        else if (len <= 32)
        {
            Vector128.Load(s).Store(d);
            Vector128.Load(s + len - 16).Store(d + len - 16);
        }
        else if (len <= 64)
        {
            Vector256.Load(s).Store(d);
            Vector256.Load(s + len - 32).Store(d + len - 32);
        }
        else
        {
            nint i = 0;
            for (; i + 64 <= len; i += 64) Vector512.Load(s + i).Store(d + i);
            if (i < len) Vector512.Load(s + len - 64).Store(d + len - 64);
        }
    }
}
