using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels.Optim;

/// <summary>
/// Reductions and in-place updates behind gradient clipping: Σ|x|ᵖ and max|x| accumulated in double (float32 runs are
/// summed in blocks and the block sums added in double, so a 10⁷-element norm keeps float64-like accuracy), scaling and
/// clamping in place. NaN propagates everywhere, as in PyTorch.
/// </summary>
public static class ClipKernels
{
    private const int Block = 4096;

    /// <summary>Σ xᵢ² in double.</summary>
    public static double SumOfSquares<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        if (KernelConfig.ForceScalar)
        {
            foreach (var v in x) total += double.CreateTruncating(v * v);
            return total;
        }
        for (int i = 0; i < x.Length; i += Block)
            total += double.CreateTruncating(TensorPrimitives.SumOfSquares(x.Slice(i, Math.Min(Block, x.Length - i))));
        return total;
    }

    /// <summary>Σ |xᵢ| in double.</summary>
    public static double SumOfMagnitudes<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        if (KernelConfig.ForceScalar)
        {
            foreach (var v in x) total += double.CreateTruncating(T.Abs(v));
            return total;
        }
        for (int i = 0; i < x.Length; i += Block)
            total += double.CreateTruncating(TensorPrimitives.SumOfMagnitudes(x.Slice(i, Math.Min(Block, x.Length - i))));
        return total;
    }

    /// <summary>Σ |xᵢ|ᵖ in double, for a general p &gt; 0 (p = 1 and 2 have their own faster kernels).</summary>
    public static double SumOfPowers<T>(ReadOnlySpan<T> x, double p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        foreach (var v in x) total += Math.Pow(Math.Abs(double.CreateTruncating(v)), p);
        return total;
    }

    /// <summary>max |xᵢ| (0 for an empty span; NaN when any element is NaN).</summary>
    public static double MaxMagnitude<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return 0;
        if (!KernelConfig.ForceScalar)
            return double.Abs(double.CreateTruncating(TensorPrimitives.MaxMagnitude(x)));
        double max = 0;
        foreach (var v in x)
        {
            double a = Math.Abs(double.CreateTruncating(v));
            if (double.IsNaN(a)) return double.NaN;
            if (a > max) max = a;
        }
        return max;
    }

    /// <summary>x ← x·factor in place.</summary>
    public static void Scale<T>(Span<T> x, T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < x.Length; i++) x[i] *= factor;
            return;
        }
        TensorPrimitives.Multiply(x, factor, x);
    }

    /// <summary>x ← min(max(x, lo), hi) in place (NaN stays NaN).</summary>
    public static void Clamp<T>(Span<T> x, T lo, T hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar)
        {
            for (int i = 0; i < x.Length; i++) x[i] = T.Min(T.Max(x[i], lo), hi);
            return;
        }
        TensorPrimitives.Max(x, lo, x);
        TensorPrimitives.Min(x, hi, x);
    }
}
