using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// One forward pass on zeros in evaluation mode, without gradients, with every <see cref="Module.Call"/> observed:
/// how the model's shapes and costs are measured (<see cref="ModelComplexity"/>, structured pruning's dependency
/// trace). Each module's training mode is restored afterwards.
/// </summary>
internal static class ForwardObservation
{
    public static void Run(Module model, Shape input, Action<Module, Tensor> observer)
    {
        var modes = model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        model.Eval();
        try
        {
            using var noGrad = GradMode.Disable();
            using var scope = StepScope.Begin();
            using var observe = Module.ObserveForward(observer);
            var dtype = model.Parameters().FirstOrDefault()?.DType ?? DType.Float32;
            model.Call(Tensor.Zeros(input, dtype));
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);
        }
    }
}
