using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Per-thread packing buffers. Each thread that runs GEMM work keeps one buffer on the pinned object heap,
/// grown geometrically and then reused, so steady-state calls allocate nothing and need no <c>fixed</c>;
/// the buffer dies with its thread. Pointers are rounded up to a 64-byte (cache line, zmm) boundary.
/// </summary>
internal static unsafe class GemmBuffers<T> where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _packB;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="length"/> elements for packed B panels.</summary>
    public static T* PackB(int length)
    {
        int needed = length + 64 / sizeof(T);
        var buffer = _packB;
        if (buffer is null || buffer.Length < needed)
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(needed, (buffer?.Length ?? 0) * 2), pinned: true);
            _packB = buffer;
        }
        var p = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((p + 63) & ~(nuint)63);
    }
}
