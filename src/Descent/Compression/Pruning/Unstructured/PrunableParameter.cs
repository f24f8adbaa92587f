using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Unstructured;

/// <summary>One masked (or maskable) parameter: a layer, its dotted path in the model and the parameter's name.</summary>
/// <param name="Path">The layer's dotted path ("" for a layer pruned on its own).</param>
/// <param name="Module">The layer.</param>
/// <param name="Name">The parameter ("weight").</param>
public sealed record PrunableParameter(string Path, Module Module, string Name)
{
    /// <summary>The parameter tensor (unmasked values).</summary>
    public Tensor Parameter => Module.NamedParameters().Single(p => p.Name == Name).Parameter;

    /// <summary>Its mask, or null while it is not masked.</summary>
    public Tensor? Mask => Module.GetParameterMask(Name);

    /// <summary>"path.name", as in the state dict.</summary>
    public override string ToString() => Path.Length == 0 ? Name : $"{Path}.{Name}";
}
