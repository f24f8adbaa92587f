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
}
