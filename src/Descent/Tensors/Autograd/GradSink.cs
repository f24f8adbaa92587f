namespace Descent.Tensors.Autograd;

/// <summary>Where a node's backward delivers the gradient of each of its inputs.</summary>
public readonly ref struct GradSink
{
    private readonly Node _node;

    internal GradSink(Node node) => _node = node;

    /// <summary>True when input <paramref name="index"/> takes part in the gradient computation.</summary>
    public bool NeedsGrad(int index) => _node.Inputs[index].RequiresGrad;

    /// <summary>
    /// Adds <paramref name="grad"/> to input <paramref name="index"/>'s gradient. The gradient may have the
    /// op's broadcast shape; the engine reduces it to the input's shape. The engine never writes into
    /// <paramref name="grad"/>, so passing the upstream gradient through unchanged is fine.
    /// </summary>
    public void Add(int index, Tensor grad)
    {
        var input = _node.Inputs[index];
        if (input.RequiresGrad)
            AutogradEngine.Accumulate(input, grad, _node);
    }

    /// <summary>
    /// For an input that is a leaf needing a gradient (a parameter), the tensor its gradient accumulates in, so the
    /// backward can write its contribution straight into it (e.g. a GEMM with beta 0 or 1) instead of allocating a
    /// temporary that the engine then adds. With <paramref name="overwrite"/> the buffer's contents stand for zeros
    /// and every element must be written; otherwise the contribution must be added. Null for other inputs (use
    /// <see cref="Add"/>). Same shape and dtype as the input.
    /// </summary>
    internal Tensor? LeafGrad(int index, out bool overwrite)
    {
        overwrite = false;
        var input = _node.Inputs[index];
        return input.IsLeaf && input.RequiresGrad ? AutogradEngine.LeafTarget(input, out overwrite) : null;
    }
}
