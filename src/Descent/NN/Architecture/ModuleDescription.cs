using Descent.Tensors;

namespace Descent.NN.Architecture;

/// <summary>
/// One module of a <see cref="ModelArchitecture"/>: its registered kind (e.g. "linear"), its options (the shapes it
/// has now, also after pruning), the element type of its tensors, its children by name (containers) and the
/// parameters that carry an unstructured-pruning mask (rebuilt as all-ones masks, then loaded with the weights).
/// </summary>
public sealed record ModuleDescription
{
    /// <summary>The kind registered in <see cref="ModuleKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The module's settings.</summary>
    public required ModuleOptions Options { get; init; }

    /// <summary>Element type of its own parameters and buffers (null when it has none).</summary>
    public DType? DType { get; init; }

    /// <summary>Children in registration order (state-dict names: "&lt;name&gt;.weight").</summary>
    public IReadOnlyList<(string Name, ModuleDescription Module)> Children { get; init; } = [];

    /// <summary>Names of the module's own parameters that have a mask (<see cref="Module.SetParameterMask"/>).</summary>
    public IReadOnlyList<string> Masks { get; init; } = [];
}
