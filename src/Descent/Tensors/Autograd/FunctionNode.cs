namespace Descent.Tensors.Autograd;

/// <summary>
/// The graph node of one <see cref="Function.Apply"/> call: calls the user's backward and checks what it returns
/// before handing the gradients to the engine (which un-broadcasts them and converts their dtype).
/// </summary>
internal sealed class FunctionNode(Function function, FunctionContext context, Tensor[] inputs) : Node(inputs)
{
    public override string Name => function.Name + "Backward";

    protected internal override void Backward(Tensor gradOutput, GradSink sink)
    {
        Tensor?[] grads;
        using (GradMode.Disable())
            grads = function.RunBackward(context, gradOutput)
                ?? throw new InvalidOperationException(
                    $"{Name}: Backward returned null; return one gradient per input ({Inputs.Length}), null where there is none.");
        if (grads.Length != Inputs.Length)
            throw new InvalidOperationException(
                $"{Name}: Backward returned {grads.Length} gradient(s) for {Inputs.Length} input(s); return one per input of Apply, null where there is none.");
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g) continue;
            var input = Inputs[i];
            if (!g.DType.IsFloatingPoint())
                throw new InvalidOperationException(
                    $"{Name}: the gradient of input {i} is {g.DType.TorchName()} {g.Shape}; gradients must be float32 or float64.");
            if (!Broadcasting.CanBroadcastTo(input.Shape, g.Shape))
                throw new InvalidOperationException(
                    $"{Name}: the gradient of input {i} has shape {g.Shape}, but the input has shape {input.Shape}; a gradient " +
                    "must have the input's shape or one the input broadcasts to.");
        }
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } g) sink.Add(i, g);
    }
}
