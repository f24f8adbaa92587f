namespace Descent.Tensors.Autograd;

/// <summary>
/// One recorded op in the autograd graph: its inputs, whatever it saved in its fields, and a backward
/// function that turns the gradient of its output into gradients of its inputs. Nodes return gradients in
/// the op's own (broadcast) output shape; the engine sums them back to each input's shape.
/// </summary>
public abstract class Node
{
    private readonly Tensor[] _inputs;

    /// <summary>Records the op's inputs, in the order backward reports their gradients.</summary>
    protected Node(params Tensor[] inputs) => _inputs = inputs;

    /// <summary>Op name for messages, e.g. "MulBackward".</summary>
    public virtual string Name => GetType().Name.Replace("Node", "Backward", StringComparison.Ordinal);

    /// <summary>The op's inputs.</summary>
    public ReadOnlySpan<Tensor> Inputs => _inputs;

    /// <summary>True after a backward pass that did not retain the graph went through this node.</summary>
    public bool Released { get; private set; }

    /// <summary>
    /// Computes input gradients from <paramref name="gradOutput"/> (shape of this op's output) and hands each
    /// to <paramref name="sink"/>. Runs with grad mode off. Skip inputs for which
    /// <see cref="GradSink.NeedsGrad"/> is false.
    /// </summary>
    protected internal abstract void Backward(Tensor gradOutput, GradSink sink);

    internal void Release() => Released = true;

    // Engine scratch space, valid during one backward pass.
    internal Tensor? PendingGrad;
    internal bool PendingOwned;
    internal int PendingDependencies;
    internal int VisitEpoch;
    internal Tensor? RetainedOutput;
}
