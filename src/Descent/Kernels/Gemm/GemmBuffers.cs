using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Per-thread packing buffers (and one workspace for the kernels that call GEMM). Each thread that runs GEMM work keeps one buffer on the pinned object heap,
/// grown geometrically and then reused, so steady-state calls allocate nothing and need no <c>fixed</c>;
/// the buffer dies with its thread. Pointers are rounded up to a 64-byte (cache line, zmm) boundary.
/// </summary>
internal static unsafe class GemmBuffers<T> where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _packB;

    [ThreadStatic]
    private static T[]? _packA;

    [ThreadStatic]
    private static T[]? _workspace;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="length"/> elements for packed B panels.</summary>
    public static T* PackB(int length) => Get(ref _packB, length);

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="length"/> elements for a copied A block.</summary>
    public static T* PackA(int length) => Get(ref _packA, length);

    /// <summary>
    /// A 64-byte-aligned buffer of at least <paramref name="length"/> elements for a kernel's per-item workspace (the
    /// Winograd convolution's padded image and transformed tiles); the GEMMs such a kernel calls use the other two.
    /// </summary>
    public static T* Workspace(int length) => Get(ref _workspace, length);

    private static T* Get(ref T[]? slot, int length)
    {
        int needed = length + 64 / sizeof(T);
        var buffer = slot;
        if (buffer is null || buffer.Length < needed)
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(needed, (buffer?.Length ?? 0) * 2), pinned: true);
            slot = buffer;
        }
        var p = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((p + 63) & ~(nuint)63);
    }
}
