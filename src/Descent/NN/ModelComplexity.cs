namespace Descent.NN;

/// <summary>
/// Size and cost of a model: parameters (<see cref="Module.ParameterCount"/>) and multiply-accumulate operations of one
/// forward pass of one sample. MACs are counted for the layers that hold nearly all of them, as the usual counters
/// (ptflops, fvcore) do: a <see cref="Linear"/> or <see cref="Conv2d"/> costs its weight's elements times the output
/// positions (1 for Linear, H·W for Conv2d); normalization, activations, pooling and additions are not counted. The
/// count runs one forward pass on zeros in evaluation mode and observes every layer, so containers (Sequential,
/// residual blocks) need no rule of their own.
/// </summary>
public static class ModelComplexity
{
    /// <summary>MACs of one forward pass of one sample of shape <paramref name="inputShape"/> (without the batch dimension).</summary>
    public static long Macs(Module model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        long macs = 0;
        ForwardProbe.Run(model, inputShape, (m, y) =>
        {
            switch (m)
            {
                case Linear linear:
                    macs += linear.Weight.Numel * (y.Numel / linear.OutFeatures);
                    break;
                case Conv2d conv:
                    macs += conv.Weight.Numel * (y.Numel / conv.OutChannels);
                    break;
            }
        });
        return macs;
    }
}
