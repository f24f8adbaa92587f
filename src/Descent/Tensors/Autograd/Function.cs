namespace Descent.Tensors.Autograd;

/// <summary>
/// A differentiable operation written by a user, in the spirit of PyTorch's <c>torch.autograd.Function</c>:
/// <see cref="Forward"/> computes the output from the input tensors and may save what <see cref="Backward"/> needs
/// in a <see cref="FunctionContext"/>; <see cref="Backward"/> turns the gradient of the output into one gradient
/// per input. <see cref="Apply"/> runs it and records it in the autograd graph like a built-in op.
/// </summary>
/// <remarks>
/// <para>Rules (as in PyTorch unless noted):</para>
/// <list type="bullet">
/// <item><see cref="Forward"/> and <see cref="Backward"/> run with grad mode off, so the ops inside them are not
/// recorded. Double backward is not supported: the engine has no <c>create_graph</c>, and the gradient a custom
/// backward returns is never itself differentiable.</item>
/// <item>Every tensor that needs a gradient must be an input of <see cref="Apply"/>; tensors captured in fields
/// get none. Non-tensor arguments (constants, flags) belong in the function object's fields — it may be applied
/// many times, from several threads under data-parallel training, so per-call data goes in the context.</item>
/// <item><see cref="Backward"/> returns an array with one entry per input, null where an input gets no gradient
/// (check <see cref="FunctionContext.NeedsInputGrad"/> to skip work). A gradient may have the input's shape or any
/// shape the input broadcasts to (e.g. the output's): the engine sums it back to the input's shape, once, and
/// converts it to the input's dtype. A wrong count, a shape the input does not broadcast to, or a non-float
/// gradient is an error naming the function and the input.</item>
/// <item>Tensors created in <see cref="Forward"/> and <see cref="Backward"/> follow the same pooling rules as
/// built-in ops: inside a <see cref="StepScope"/> they are recycled when the step ends, so saved tensors live
/// exactly as long as the step's graph. Do not keep them in fields beyond the step.</item>
/// <item>Forward must not modify its inputs in place (there is no <c>mark_dirty</c>); the result may share memory
/// with an input (it is wrapped in a new tensor object that carries the graph node).</item>
/// <item>A non-floating-point output is not differentiable: it is returned without a graph node.</item>
/// </list>
/// </remarks>
/// <example><code>
/// sealed class Cube : Function
/// {
///     protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
///     {
///         ctx.SaveForBackward(inputs[0]);
///         return inputs[0] * inputs[0] * inputs[0];
///     }
///
///     protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
///     {
///         var x = ctx.SavedTensors[0];
///         return [gradOutput * 3 * x * x];
///     }
/// }
/// var y = new Cube().Apply(x);
/// GradCheck.Assert(xs =&gt; new Cube().Apply(xs[0]), [x64]);   // float64 finite differences
/// </code></example>
public abstract class Function
{
    /// <summary>Name for messages; the graph node is named <c>{Name}Backward</c> (default: the class name).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Runs <see cref="Forward"/> on <paramref name="inputs"/> with grad mode off and, when grad mode is on and some
    /// input requires grad, returns the output attached to a graph node whose backward calls <see cref="Backward"/>.
    /// </summary>
    public Tensor Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var copy = (Tensor[])inputs.Clone();
        for (int i = 0; i < copy.Length; i++)
            if (copy[i] is null)
                throw new ArgumentException($"{Name}.Apply: input {i} is null.", nameof(inputs));
        bool record = Tensor.NeedsGrad(copy);
        var ctx = new FunctionContext(this, copy, record);
        Tensor output;
        using (GradMode.Disable())
            output = Forward(ctx, copy)
                ?? throw new InvalidOperationException($"{Name}.Forward returned null; it must return the output tensor.");
        if (record && output.DType.IsFloatingPoint())
        {
            // A new tensor object over the same memory carries the node, so the forward's own result (possibly an
            // input, possibly saved for backward) stays as it was and the graph has no cycle.
            var result = output.Detach();
            result.GradFn = new FunctionNode(this, ctx, copy);
            return result;
        }
        return output.RequiresGrad ? output.Detach() : output;
    }

    /// <summary>Computes the output (grad mode is off); save what <see cref="Backward"/> needs in <paramref name="ctx"/>.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>
    /// Computes one gradient per input from <paramref name="gradOutput"/> (the output's shape; grad mode is off; do not
    /// write into it). Return null for inputs that get no gradient.
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor gradOutput) => Backward(ctx, gradOutput);
}
