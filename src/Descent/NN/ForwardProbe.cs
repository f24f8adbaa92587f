using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// One forward pass of one sample of zeros in evaluation mode, without gradients, that shows every called layer's output
/// to an observer (as Keras' <c>summary()</c> and the FLOP counters ptflops/fvcore trace a model): the shared probe of
/// model summaries and <see cref="ModelComplexity"/>. The model's training mode is restored afterwards.
/// </summary>
public static class ForwardProbe
{
    /// <summary>Runs the probe: <paramref name="observer"/> gets each layer and its output (batch dimension 1).</summary>
    public static void Run(Module model, int[] inputShape, Action<Module, Tensor> observer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(observer);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var scope = StepScope.Begin();
            using var observe = Module.ObserveForward(observer);
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            model.Call(Tensor.Zeros(new Shape([1, .. inputShape]), dtype));
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
