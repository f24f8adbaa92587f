using Descent.Tensors;

namespace Descent.NN;

/// <summary>Runs its children in order, each on the previous one's output (PyTorch's <c>nn.Sequential</c>); children are named "0", "1", ….</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the container with <paramref name="layers"/> in order.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer (named by its position).</summary>
    public Sequential Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>
    /// The layer at <paramref name="index"/>; setting it replaces the layer in place (same name and position), as
    /// <see cref="Module.ReplaceSubmodule"/> does, so optimizers built before must be rebuilt.
    /// </summary>
    public Module this[int index]
    {
        get => _layers[index];
        set => ReplaceAt(_layers, index, value, "layer");
    }

    /// <inheritdoc/>
    protected override void OnReplacingChild(string name, Module replacement) => ReplacedAt(_layers, name, replacement);

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Call(x);
        return x;
    }
}
