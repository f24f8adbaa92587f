namespace Descent.Tensors;

/// <summary>Argument checks and kernel plumbing shared by the NN ops (convolution, pooling, unfold).</summary>
public sealed partial class Tensor
{
    /// <summary>The elements as <see cref="Memory{T}"/>, for kernels whose parallel bodies cannot hold spans.</summary>
    internal Memory<T> KernelMemory<T>() where T : unmanaged
    {
        var (array, offset) = Raw<T>();
        return new Memory<T>(array, offset, Numel);
    }

    /// <summary>Throws unless both components are ≥ 1, naming the op and the argument.</summary>
    internal static void RequirePositive(string op, string name, Size2 value)
    {
        if (value.H < 1 || value.W < 1)
            throw new ArgumentOutOfRangeException(name, $"{op}: {name} must be positive, got {value}.");
    }

    /// <summary>Throws unless both components are ≥ 0, naming the op and the argument.</summary>
    internal static void RequireNonNegative(string op, string name, Size2 value)
    {
        if (value.H < 0 || value.W < 0)
            throw new ArgumentOutOfRangeException(name, $"{op}: {name} must be non-negative, got {value}.");
    }

    /// <summary>Throws unless <paramref name="t"/> is a float tensor of rank 4 (or 3, when unbatched input is allowed).</summary>
    internal static void RequireImage(string op, string name, Tensor t, bool allowUnbatched)
    {
        t.RequireFloat(op);
        if (t.Rank != 4 && !(allowUnbatched && t.Rank == 3))
            throw new ArgumentException(allowUnbatched
                ? $"{op}: expected a 3-D (unbatched) or 4-D (batched) {name}, got {t.Shape}."
                : $"{op}: expected a 4-D {name}, got {t.Shape}.");
    }

    /// <summary>Throws when <paramref name="other"/>'s dtype differs from <paramref name="input"/>'s.</summary>
    internal static void RequireSameDType(string op, Tensor input, Tensor other, string name)
    {
        if (other.DType != input.DType)
            throw new ArgumentException(
                $"{op}: input is {input.DType.TorchName()} but {name} {other.Shape} is {other.DType.TorchName()}; convert one with To(DType).");
    }

    /// <summary>"5x5" for messages.</summary>
    internal static string Pair(int h, int w) => $"{h}x{w}";
}
