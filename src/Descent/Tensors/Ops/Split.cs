namespace Descent.Tensors;

/// <summary>
/// split, chunk and select: pieces of a tensor along one dim, built on <see cref="Narrow"/>, so pieces along
/// dim 0 (or behind only size-1 dims) are free views sharing storage and pieces along inner dims are copies.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Pieces of <paramref name="splitSize"/> along <paramref name="dim"/>; the last one is smaller when the size
    /// does not divide evenly (PyTorch's split with an int).
    /// </summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        const string op = "split";
        int d = RequireDimForPieces(dim, op);
        int size = Shape.Dims[d];
        if (splitSize < 0 || (splitSize == 0 && size != 0))
            throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize,
                $"{op}: split size must be positive (0 only for an empty dim), got {splitSize} for dim {d} of {Shape}.");
        int count = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        var pieces = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            int start = i * splitSize;
            pieces[i] = Narrow(d, start, Math.Min(splitSize, size - start));
        }
        return pieces;
    }

    /// <summary>Pieces of the given sizes along <paramref name="dim"/>; the sizes must add up to that dim's size.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        const string op = "split_with_sizes";
        ArgumentNullException.ThrowIfNull(sizes);
        int d = RequireDimForPieces(dim, op);
        long sum = 0;
        foreach (int s in sizes)
        {
            if (s < 0)
                throw new ArgumentException($"{op}: sizes {Shape.Format(sizes)} contain a negative size.");
            sum += s;
        }
        if (sum != Shape.Dims[d])
            throw new ArgumentException(
                $"{op}: sizes {Shape.Format(sizes)} add up to {sum}, but dim {d} of {Shape} has size {Shape.Dims[d]}.");
        var pieces = new Tensor[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            pieces[i] = Narrow(d, start, sizes[i]);
            start += sizes[i];
        }
        return pieces;
    }

    /// <summary>
    /// Up to <paramref name="chunks"/> pieces of ⌈size/chunks⌉ along <paramref name="dim"/> (fewer when the size is
    /// small, as PyTorch's chunk; an empty dim gives <paramref name="chunks"/> empty pieces).
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        const string op = "chunk";
        if (chunks <= 0)
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, $"{op}: number of chunks must be positive, got {chunks}.");
        int d = RequireDimForPieces(dim, op);
        int size = Shape.Dims[d];
        if (size == 0)
            return Split(new int[chunks], d);
        return Split((size + chunks - 1) / chunks, d);
    }

    /// <summary>
    /// The slice at <paramref name="index"/> of <paramref name="dim"/>, with that dim removed (negative index
    /// counts from the end). A view along dim 0, like <see cref="Narrow"/>.
    /// </summary>
    public Tensor Select(int dim, int index)
    {
        const string op = "select";
        int d = RequireDimForPieces(dim, op);
        int size = Shape.Dims[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size)
            throw new IndexOutOfRangeException($"{op}: index {index} is out of range for dim {d} of size {size}.");
        return Narrow(d, i, 1).Squeeze(d);
    }

    private int RequireDimForPieces(int dim, string op)
    {
        if (Rank == 0)
            throw new ArgumentException($"{op}: expected a tensor with at least 1 dim, got a 0-D tensor.");
        return Shape.NormalizeDim(dim, Rank, op);
    }
}
