using System.Text;

namespace Descent.Tensors;

/// <summary>Immutable list of dimension sizes of a row-major tensor (rank 0 = scalar).</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private static readonly int[] Empty = [];
    private readonly int[]? _dims;

    /// <summary>Creates a shape; every size must be ≥ 0.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (int d in dims)
            if (d < 0)
                throw new ArgumentException($"Shape {Format(dims)}: negative dimension {d}.", nameof(dims));
        _dims = dims.Length == 0 ? Empty : (int[])dims.Clone();
    }

    private Shape(int[] dims, bool _) => _dims = dims;

    /// <summary>Wraps an array the caller will never mutate again (no copy).</summary>
    internal static Shape Wrap(int[] dims) => new(dims, false);

    /// <summary>The scalar (rank-0) shape.</summary>
    public static Shape Scalar => new(Empty, false);

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public int this[int dim] => Dims[NormalizeDim(dim, Rank, "shape")];

    /// <summary>The sizes as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? Empty;

    /// <summary>Total number of elements (1 for a scalar).</summary>
    public int Numel
    {
        get
        {
            long n = 1;
            foreach (int d in Dims) n *= d;
            if (n > Array.MaxLength)
                throw new InvalidOperationException($"Shape {this} has {n} elements, more than one buffer can hold.");
            return (int)n;
        }
    }

    /// <summary>A copy of the sizes.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Row-major strides (in elements).</summary>
    public int[] Strides()
    {
        var s = new int[Rank];
        int acc = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= Dims[i];
        }
        return s;
    }

    /// <summary>Turns a possibly negative dim into 0..rank-1, or throws naming <paramref name="op"/>.</summary>
    public static int NormalizeDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.Max(rank, 1) || (rank == 0 && d != 0))
            throw new ArgumentOutOfRangeException(nameof(dim),
                $"{op}: dimension {dim} out of range for a tensor of rank {rank} (expected {-Math.Max(rank, 1)}..{Math.Max(rank, 1) - 1}).");
        return d;
    }

    /// <summary>Implicit conversion from an int array.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Equality of sizes.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Inequality of sizes.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>PyTorch-like text: <c>[64, 784]</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(dims[i]);
        }
        return sb.Append(']').ToString();
    }
}
