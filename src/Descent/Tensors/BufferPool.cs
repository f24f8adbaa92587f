using System.Buffers;

namespace Descent.Tensors;

/// <summary>
/// Size-bucketed pool of element buffers for tensors created inside a <see cref="StepScope"/>.
/// Built on <see cref="ArrayPool{T}.Create(int, int)"/> with deep buckets: a training step returns
/// dozens of same-sized intermediates at once, more than the shared pool keeps per size.
/// </summary>
internal static class BufferPool<T> where T : unmanaged
{
    // Power-of-two buckets up to 2^28 elements, 512 buffers each.
    private static readonly ArrayPool<T> Pool = ArrayPool<T>.Create(1 << 28, 512);

    public static T[] Rent(int length) => Pool.Rent(length);

    public static void Return(T[] array) => Pool.Return(array);
}
