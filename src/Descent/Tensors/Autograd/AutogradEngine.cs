namespace Descent.Tensors.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded graph. Order: Kahn's algorithm on dependency counts,
/// computed by an explicit-stack traversal, so a 10,000-op chain never recurses. Gradients of a tensor
/// used several times are summed; broadcasting is undone here, once, for every op.
/// </summary>
internal static class AutogradEngine
{
    [ThreadStatic] private static Stack<Node>? _stack;
    [ThreadStatic] private static int _epoch;

    public static void Backward(Tensor root, Tensor? gradOutput, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                "Backward: the tensor does not require grad and has no grad_fn (no input that requires grad was used to compute it).");
        if (gradOutput is null)
        {
            if (root.Numel != 1)
                throw new InvalidOperationException(
                    $"Backward: a gradient can be created implicitly only for one-element outputs; this one has shape {root.Shape}. Pass the upstream gradient.");
            gradOutput = Tensor.OnesLike(root);
        }
        else if (gradOutput.Shape != root.Shape)
        {
            throw new ArgumentException(
                $"Backward: gradient shape {gradOutput.Shape} does not match the output shape {root.Shape}.");
        }

        using var noGrad = GradMode.Disable();
        if (root.GradFn is not { } start)
        {
            AccumulateLeaf(root, gradOutput);
            return;
        }

        var stack = _stack ??= new Stack<Node>();
        stack.Clear();
        int epoch = ++_epoch;
        CountDependencies(start, epoch, stack);

        start.PendingGrad = gradOutput;
        start.PendingOwned = false;
        stack.Push(start);
        try
        {
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                var grad = node.PendingGrad;
                node.PendingGrad = null;
                if (grad is not null)
                {
                    if (node.RetainedOutput is { } retained)
                        AccumulateLeaf(retained, grad);
                    node.Backward(grad, new GradSink(node));
                }
                foreach (var input in node.Inputs)
                {
                    if (input.GradFn is { } child && child.VisitEpoch == epoch && --child.PendingDependencies == 0)
                        stack.Push(child);
                }
                if (!retainGraph)
                    node.Release();
            }
        }
        finally
        {
            stack.Clear();
        }
    }

    private static void CountDependencies(Node start, int epoch, Stack<Node> stack)
    {
        Visit(start, epoch);
        stack.Push(start);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Released)
                throw new InvalidOperationException(
                    $"Trying to backward through the graph a second time ({node.Name} was already used and its saved values freed). " +
                    "Call Backward(retainGraph: true) the first time if you need to backward through the graph again.");
            foreach (var input in node.Inputs)
            {
                if (input.GradFn is not { } child)
                    continue;
                if (child.VisitEpoch != epoch)
                {
                    Visit(child, epoch);
                    stack.Push(child);
                }
                child.PendingDependencies++;
            }
        }
    }

    private static void Visit(Node node, int epoch)
    {
        node.VisitEpoch = epoch;
        node.PendingDependencies = 0;
        node.PendingGrad = null;
        node.PendingOwned = false;
    }

    /// <summary>Adds <paramref name="grad"/> (possibly broadcast) to <paramref name="input"/>'s pending or leaf gradient.</summary>
    public static void Accumulate(Tensor input, Tensor grad, Node from)
    {
        if (grad.Shape != input.Shape)
            grad = Unbroadcast(grad, input.Shape, from);
        if (grad.DType != input.DType)
            grad = grad.To(input.DType);

        if (input.GradFn is not { } node)
        {
            AccumulateLeaf(input, grad);
            return;
        }
        if (node.PendingGrad is null)
        {
            node.PendingGrad = grad;
            node.PendingOwned = false;
        }
        else if (node.PendingOwned)
        {
            node.PendingGrad.AddInPlace(grad);
        }
        else
        {
            // The first contribution may be shared with another input (e.g. add passes its upstream
            // gradient to both sides), so sum into a fresh tensor rather than writing into it.
            node.PendingGrad = Tensor.Add(node.PendingGrad, grad);
            node.PendingOwned = true;
        }
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor grad)
    {
        if (ReplicaGradients.Current is { } replica)
        {
            var slot = replica.Target(leaf, out bool fresh);
            if (fresh) slot.CopyFrom(grad);
            else slot.AddInPlace(grad);
            return;
        }
        var target = leaf.GradForAccumulation(out bool overwrite);
        if (target is null)
        {
            // Gradients outlive the step: never pool them.
            using var persistent = StepScope.Suspend();
            leaf.Grad = grad.Clone();
            return;
        }
        CheckGradShape(leaf, target);
        if (overwrite) target.CopyFrom(grad);
        else target.AddInPlace(grad);
    }

    /// <summary>
    /// The buffer a backward may write <paramref name="leaf"/>'s gradient contribution into directly (see
    /// <see cref="GradSink.LeafGrad"/>): its <see cref="Tensor.Grad"/> (created when absent), or the replica's buffer
    /// in data-parallel training. <paramref name="overwrite"/>: the buffer stands for zeros and must be fully written;
    /// otherwise the contribution is added to it.
    /// </summary>
    internal static Tensor LeafTarget(Tensor leaf, out bool overwrite)
    {
        if (ReplicaGradients.Current is { } replica)
            return replica.Target(leaf, out overwrite);
        var target = leaf.GradForAccumulation(out overwrite);
        if (target is null)
        {
            using var persistent = StepScope.Suspend();
            target = leaf.Grad = Tensor.Empty(leaf.Shape, leaf.DType);
            overwrite = true;
            return target;
        }
        CheckGradShape(leaf, target);
        return target;
    }

    private static void CheckGradShape(Tensor leaf, Tensor grad)
    {
        if (grad.Shape != leaf.Shape)
            throw new InvalidOperationException($"Grad of shape {grad.Shape} was assigned to a tensor of shape {leaf.Shape}.");
        if (grad.DType != leaf.DType)
            throw new InvalidOperationException($"Grad of dtype {grad.DType.TorchName()} was assigned to a tensor of dtype {leaf.DType.TorchName()}.");
    }

    private static Tensor Unbroadcast(Tensor grad, Shape target, Node from)
    {
        try
        {
            return grad.SumToShape(target);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(
                $"{from.Name} returned a gradient of shape {grad.Shape} for an input of shape {target}: {e.Message}", e);
        }
    }
}
