namespace Descent.Kernels;

/// <summary>Argument checks for <see cref="Gemm"/>, with messages that name the argument and the values.</summary>
internal static class GemmValidation
{
    public static void Check(bool transA, bool transB, int m, int n, int k,
        int lda, int aLength, int ldb, int bLength, int ldc, int cLength)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k), C is m×n.
        Matrix("a", "lda", "A", transA ? k : m, transA ? m : k, lda, aLength, transA ? "transA" : null);
        Matrix("b", "ldb", "B", transB ? n : k, transB ? k : n, ldb, bLength, transB ? "transB" : null);
        Matrix("c", "ldc", "C", m, n, ldc, cLength, null);
    }

    private static void NonNegative(int value, string name)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative, but is {value}.");
    }

    private static void Matrix(string span, string strideName, string matrix, int rows, int cols, int stride,
        int length, string? flag)
    {
        if (stride < cols)
            throw new ArgumentOutOfRangeException(strideName, stride,
                $"{strideName} ({stride}) must be at least the row length of the stored matrix: {Shape()}.");
        if (rows == 0 || cols == 0)
            return;
        long needed = (long)(rows - 1) * stride + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{span} has {length} elements, but {Shape()} with {strideName} {stride} needs at least {needed}.", span);

        // Built only when throwing: the success path must not allocate.
        string Shape() => $"{matrix} is {rows}×{cols}" + (flag is null ? "" : $" ({flag} is set)");
    }
}
