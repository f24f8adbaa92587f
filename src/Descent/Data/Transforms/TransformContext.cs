using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// What a batch transform may use besides its input: the random generator for its draws and a source of
/// output memory. A <see cref="DataLoader"/> reseeds the generator for every batch from (seed, epoch, batch),
/// so augmentations are reproducible and resumable, and serves outputs from its alternating buffers.
/// A context created with the public constructor (standalone use) never overwrites the input and
/// allocates outputs as ordinary tensors.
/// </summary>
public sealed class TransformContext
{
    private readonly BatchBuffers? _buffers;

    /// <summary>A standalone context drawing from <paramref name="generator"/>; inputs are left untouched.</summary>
    public TransformContext(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Generator = generator;
    }

    internal TransformContext(BatchBuffers buffers)
    {
        _buffers = buffers;
        Generator = new Generator(0);
    }

    /// <summary>The generator random transforms draw from.</summary>
    public Generator Generator { get; }

    /// <summary>True when the input batch is scratch memory the transform may overwrite.</summary>
    public bool InPlace => _buffers is not null;

    /// <summary>
    /// Memory for a transform's output of <paramref name="shape"/> (contents unspecified): a loader buffer
    /// (valid as long as the batch), or a new tensor in standalone use.
    /// </summary>
    public Tensor Output(Shape shape, DType dtype) => _buffers?.Take(shape, dtype) ?? Tensor.Zeros(shape, dtype);

    /// <summary>The input itself when it may be modified in place, else a copy of it to modify.</summary>
    public Tensor Writable(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InPlace ? input : Output(input.Shape, input.DType).CopyFrom(input);
    }
}
