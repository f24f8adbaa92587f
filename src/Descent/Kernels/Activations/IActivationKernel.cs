using System.Numerics;

namespace Descent.Kernels.Activations;

/// <summary>
/// A pointwise activation y = f(x) and its vector–Jacobian product dx = dy·f'(x), over contiguous runs.
/// Implemented by structs (hyper-parameters in fields) so <see cref="ActivationDriver"/> specialises per kernel.
/// </summary>
public interface IActivationKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y[i] = f(x[i]).</summary>
    void Forward(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>dx[i] = dy[i]·f'(x[i]); <paramref name="y"/> is the forward output for the same run.</summary>
    void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx);
}

/// <summary>
/// Runs an <see cref="IActivationKernel{T}"/> over whole buffers, split into chunks across
/// <see cref="ParallelFor"/> workers when the buffer is large enough to pay for the hand-off.
/// </summary>
public static class ActivationDriver
{
    /// <summary>Elements per parallel work item.</summary>
    public const int Chunk = 1 << 14;

    /// <summary>Below this many elements everything runs on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 16;

    /// <summary>y = f(x) over <paramref name="n"/> elements starting at the given offsets.</summary>
    public static void Forward<T, TKernel>(in TKernel kernel, T[] x, int xOffset, T[] y, int yOffset, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IActivationKernel<T>
    {
        if (n < ParallelThreshold || ParallelFor.Threads == 1)
        {
            kernel.Forward(x.AsSpan(xOffset, n), y.AsSpan(yOffset, n));
            return;
        }
        var body = new ForwardBody<T, TKernel> { Kernel = kernel, X = x, XOffset = xOffset, Y = y, YOffset = yOffset, N = n };
        ParallelFor.Run((n + Chunk - 1) / Chunk, in body);
    }

    /// <summary>dx = dy·f'(x) over <paramref name="n"/> elements (y may be an empty array when the kernel ignores it).</summary>
    public static void Backward<T, TKernel>(in TKernel kernel, T[] x, int xOffset, T[] y, int yOffset,
        T[] dy, int dyOffset, T[] dx, int dxOffset, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IActivationKernel<T>
    {
        if (n < ParallelThreshold || ParallelFor.Threads == 1)
        {
            kernel.Backward(x.AsSpan(xOffset, n), Slice(y, yOffset, 0, n), dy.AsSpan(dyOffset, n), dx.AsSpan(dxOffset, n));
            return;
        }
        var body = new BackwardBody<T, TKernel>
        {
            Kernel = kernel, X = x, XOffset = xOffset, Y = y, YOffset = yOffset,
            Dy = dy, DyOffset = dyOffset, Dx = dx, DxOffset = dxOffset, N = n,
        };
        ParallelFor.Run((n + Chunk - 1) / Chunk, in body);
    }

    private static ReadOnlySpan<T> Slice<T>(T[] a, int offset, int start, int length) =>
        a.Length == 0 ? default : a.AsSpan(offset + start, length);

    private struct ForwardBody<T, TKernel> : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IActivationKernel<T>
    {
        public TKernel Kernel;
        public T[] X, Y;
        public int XOffset, YOffset, N;

        public readonly void Invoke(int index)
        {
            int start = index * Chunk, len = Math.Min(Chunk, N - start);
            Kernel.Forward(X.AsSpan(XOffset + start, len), Y.AsSpan(YOffset + start, len));
        }
    }

    private struct BackwardBody<T, TKernel> : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IActivationKernel<T>
    {
        public TKernel Kernel;
        public T[] X, Y, Dy, Dx;
        public int XOffset, YOffset, DyOffset, DxOffset, N;

        public readonly void Invoke(int index)
        {
            int start = index * Chunk, len = Math.Min(Chunk, N - start);
            Kernel.Backward(X.AsSpan(XOffset + start, len), Slice(Y, YOffset, start, len),
                Dy.AsSpan(DyOffset + start, len), Dx.AsSpan(DxOffset + start, len));
        }
    }
}
