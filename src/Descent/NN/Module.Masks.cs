using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// Parameter masks, the module side of unstructured pruning (PyTorch's <c>torch.nn.utils.prune</c> reparametrization):
/// a masked parameter is used as <c>parameter · mask</c> in the forward pass, so pruned entries contribute nothing and,
/// through the product's gradient, receive a zero gradient; training cannot revive them. As in PyTorch the parameter
/// keeps its unmasked values (PyTorch's <c>weight_orig</c>); the mask is the persistent buffer "&lt;name&gt;_mask", so it is
/// part of the state dict and of checkpoints. Unlike PyTorch the parameter keeps its name, so optimizers built before
/// masking keep working.
/// </summary>
public abstract partial class Module
{
    private Dictionary<string, Tensor>? _masks;

    /// <summary>
    /// The parameters this layer applies masks to in its forward pass (Linear and the convolutions: "weight" and "bias"). Other
    /// modules refuse <see cref="SetParameterMask"/>, because a mask they would ignore would prune nothing.
    /// </summary>
    public virtual IReadOnlyList<string> MaskableParameters => [];

    /// <summary>The names of this module's masked parameters, in the order they were first masked.</summary>
    public IEnumerable<string> MaskedParameters => _masks?.Keys ?? Enumerable.Empty<string>();

    /// <summary>
    /// Masks parameter <paramref name="name"/> with 0/1 <paramref name="mask"/> (the parameter's shape; stored in its
    /// dtype). A parameter already masked keeps its mask buffer, whose values are replaced, so iterative pruning passes
    /// the combined mask. Registers the buffer "&lt;name&gt;_mask" the first time.
    /// </summary>
    public void SetParameterMask(string name, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mask);
        if (!MaskableParameters.Contains(name))
            throw new ArgumentException(
                $"{TypeName}: parameter '{name}' cannot be masked (maskable: {(MaskableParameters.Count == 0 ? "none" : string.Join(", ", MaskableParameters))}).",
                nameof(name));
        var parameter = _parameters.Single(p => p.Name == name).Value;
        if (mask.Shape != parameter.Shape)
            throw new ArgumentException($"{TypeName}: mask shape {mask.Shape} differs from parameter '{name}' shape {parameter.Shape}.", nameof(mask));
        foreach (var v in mask.ToDoubleArray())
            if (v is not (0.0 or 1.0)) throw new ArgumentException($"{TypeName}: the mask of '{name}' holds {v}; masks are 0/1.", nameof(mask));
        using var noGrad = GradMode.Disable();
        var values = mask.Detach().To(parameter.DType);
        _masks ??= new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (_masks.TryGetValue(name, out var existing))
        {
            existing.CopyFrom(values);
            return;
        }
        _masks[name] = RegisterBuffer(name + "_mask", values.Clone());
    }

    /// <summary>The mask of parameter <paramref name="name"/>, or null when it is not masked.</summary>
    public Tensor? GetParameterMask(string name) => _masks is not null && _masks.TryGetValue(name, out var mask) ? mask : null;

    /// <summary>
    /// Makes the pruning permanent (PyTorch's <c>prune.remove</c>): the parameter becomes <c>parameter · mask</c> in place
    /// and the mask buffer is dropped, so the state dict has the ordinary keys again.
    /// </summary>
    public void RemoveParameterMask(string name)
    {
        var mask = GetParameterMask(name) ?? throw new ArgumentException($"{TypeName}: parameter '{name}' is not masked.", nameof(name));
        var parameter = _parameters.Single(p => p.Name == name).Value;
        using (GradMode.Disable())
            parameter.CopyFrom(parameter.Detach() * mask);
        _masks!.Remove(name);
        _buffers.RemoveAll(b => b.Name == name + "_mask");
    }

    /// <summary>
    /// Refuses <paramref name="operation"/> (e.g. Keep) on a masked module: the copy would silently lose the masks.
    /// </summary>
    protected void RefuseIfMasked(string operation)
    {
        if (_masks is { Count: > 0 })
            throw new InvalidOperationException(
                $"{TypeName}: {operation} on a masked layer would drop the masks of {string.Join(", ", _masks.Keys)}; remove them first (RemoveParameterMask bakes them in).");
    }

    /// <summary>
    /// The value a layer computes with: <paramref name="parameter"/> itself, or <c>parameter · mask</c> (recorded by
    /// autograd, which masks the gradient too) when it is masked. Internal callers (ONNX export) read what the layer
    /// computes through it too.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(parameter))]
    protected internal Tensor? Masked(Tensor? parameter) =>
        _masks is not null && parameter?.Name is { } name && _masks.TryGetValue(name, out var mask) ? parameter * mask : parameter;
}
