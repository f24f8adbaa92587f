using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>Autograd entry points on the tensor.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Computes gradients of this tensor with respect to every leaf that requires grad, accumulating into
    /// their <see cref="Grad"/> (+=). <paramref name="gradient"/> is the upstream gradient (default: 1 for a
    /// one-element tensor). Unless <paramref name="retainGraph"/> is set, the graph cannot be used again.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) =>
        AutogradEngine.Backward(this, gradient, retainGraph);

    /// <summary>Sets this tensor's requires-grad flag and returns it (PyTorch's <c>requires_grad_()</c>).</summary>
    public Tensor RequiresGradInPlace(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }
}
