using System.Numerics;
using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Pads each image <c>[C, H, W]</c> of a batch <c>[B, C, H, W]</c> by <see cref="Padding"/> pixels of
/// <see cref="Fill"/> on every side and cuts a random <see cref="Height"/>×<see cref="Width"/> window
/// (torchvision's <c>RandomCrop(size, padding)</c> with constant padding; draws the top row, then the left column).
/// When the window has the image's own size (the usual augmentation) the batch is shifted in place.
/// </summary>
public sealed class RandomCrop : IBatchTransform
{
    /// <summary>A square <paramref name="size"/>×<paramref name="size"/> crop after padding by <paramref name="padding"/>.</summary>
    public RandomCrop(int size, int padding = 0, double fill = 0) : this(size, size, padding, fill)
    {
    }

    /// <summary>A <paramref name="height"/>×<paramref name="width"/> crop after padding by <paramref name="padding"/>.</summary>
    public RandomCrop(int height, int width, int padding, double fill = 0)
    {
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(nameof(height), $"RandomCrop: crop size {height}×{width} must be positive.");
        if (padding < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "RandomCrop: padding must be non-negative.");
        Height = height;
        Width = width;
        Padding = padding;
        Fill = fill;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Pixels of padding added on each side before cropping.</summary>
    public int Padding { get; }

    /// <summary>Value of the padding pixels.</summary>
    public double Fill { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor batch, TransformContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        batch.RequireFloat("RandomCrop");
        if (batch.Rank != 4)
            throw new ArgumentException($"RandomCrop: expected images [B, C, H, W], got {batch.Shape}.");
        int b = batch.Shape[0], c = batch.Shape[1], h = batch.Shape[2], w = batch.Shape[3];
        if (Height > h + 2 * Padding || Width > w + 2 * Padding)
            throw new ArgumentException(
                $"RandomCrop: crop {Height}×{Width} is larger than the padded image {h + 2 * Padding}×{w + 2 * Padding} (input {batch.Shape}, padding {Padding}).");
        bool sameSize = Height == h && Width == w;
        var output = sameSize ? context.Writable(batch) : context.Output(Shape.Wrap([b, c, Height, Width]), batch.DType);
        var source = sameSize ? output : batch;
        if (batch.DType == DType.Float32)
            Run<float>(source.Span<float>(), output.Span<float>(), b, c, h, w, context.Generator);
        else
            Run<double>(source.Span<double>(), output.Span<double>(), b, c, h, w, context.Generator);
        return output;
    }

    private void Run<T>(ReadOnlySpan<T> src, Span<T> dst, int batch, int channels, int h, int w, Generator rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T fill = T.CreateTruncating(Fill);
        int srcPlane = h * w, dstPlane = Height * Width;
        for (int s = 0; s < batch; s++)
        {
            // Window origin in padded coordinates, then as a shift of the unpadded image.
            int dy = (int)rng.NextInt64(h + 2 * Padding - Height + 1) - Padding;
            int dx = (int)rng.NextInt64(w + 2 * Padding - Width + 1) - Padding;
            for (int ch = 0; ch < channels; ch++)
            {
                int plane = s * channels + ch;
                CropPlane(src.Slice(plane * srcPlane, srcPlane), dst.Slice(plane * dstPlane, dstPlane), h, w, dy, dx, fill);
            }
        }
    }

    /// <summary>
    /// dst(y, x) = src(y + dy, x + dx), or the fill outside the source. Safe when src and dst are the same memory:
    /// rows are visited so that a row is read before it is overwritten, and in-row copies are memmoves.
    /// </summary>
    private void CropPlane<T>(ReadOnlySpan<T> src, Span<T> dst, int h, int w, int dy, int dx, T fill) where T : unmanaged
    {
        int xLo = Math.Max(0, -dx), xHi = Math.Min(Width, w - dx);
        for (int k = 0; k < Height; k++)
        {
            int y = dy >= 0 ? k : Height - 1 - k;
            int sy = y + dy;
            var row = dst.Slice(y * Width, Width);
            if (sy < 0 || sy >= h || xLo >= xHi)
            {
                row.Fill(fill);
                continue;
            }
            src.Slice(sy * w + xLo + dx, xHi - xLo).CopyTo(row.Slice(xLo, xHi - xLo));
            row[..xLo].Fill(fill);
            row[xHi..].Fill(fill);
        }
    }
}
