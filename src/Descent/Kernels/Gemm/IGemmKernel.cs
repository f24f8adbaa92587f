namespace Descent.Kernels;

/// <summary>
/// One micro-kernel family (Vector512, Vector256 or scalar) for element type <typeparamref name="T"/>.
/// The driver is generic over the family, so the JIT specialises the whole blocked loop nest per family
/// and the calls into the family are direct, not virtual.
/// </summary>
internal unsafe interface IGemmKernel<T> where T : unmanaged
{
    /// <summary>Rows of C per register tile (MR).</summary>
    static abstract int Mr { get; }

    /// <summary>Elements per vector register (1 for the scalar family).</summary>
    static abstract int Lanes { get; }

    /// <summary>Vectors per tile row; NR = Lanes * MaxVectors.</summary>
    static abstract int MaxVectors { get; }

    /// <summary>
    /// Most rows one <see cref="Tile"/> call takes for a panel <paramref name="vectors"/> wide (at least
    /// <see cref="Mr"/>): narrow panels use taller tiles to keep enough accumulators in flight, where the
    /// row stride of A allows (<paramref name="unitRowStride"/>: rsa == 1).
    /// </summary>
    static abstract int RowsFor(int vectors, bool unitRowStride);

    /// <summary>
    /// True when <see cref="Tile"/> masks a partial last vector itself; otherwise the driver runs such
    /// tiles into a scratch buffer and merges the valid columns.
    /// </summary>
    static abstract bool MaskedTail { get; }

    /// <summary>SIMD level the family's packing routines may use.</summary>
    static abstract SimdLevel Level { get; }

    /// <summary>
    /// C[rows × w] = alpha·(A·Bp) + beta·C with w = (vectors − 1)·Lanes + tail and rows ≤ RowsFor(vectors);
    /// beta == 0 means C is not read. A(i, p) = a[i·rsa + p·csa]; row p of the B panel (vectors·Lanes
    /// elements, packed or in place) starts at b + p·ldbp. tail &lt; Lanes only when <see cref="MaskedTail"/>.
    /// </summary>
    static abstract void Tile(int rows, int vectors, int tail, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp,
        T* c, nint ldc, T alpha, T beta);
}
