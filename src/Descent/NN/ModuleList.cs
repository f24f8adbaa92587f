using Descent.Tensors;

namespace Descent.NN;

/// <summary>Holds child modules so their parameters are registered (PyTorch's <c>nn.ModuleList</c>); it has no forward of its own.</summary>
public sealed class ModuleList : Module
{
    private readonly List<Module> _items = [];

    /// <summary>Creates the list with <paramref name="modules"/>.</summary>
    public ModuleList(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module (named by its position).</summary>
    public ModuleList Add(Module module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>
    /// The module at <paramref name="index"/>; setting it replaces the module in place (same name and position), as
    /// <see cref="Module.ReplaceSubmodule"/> does, so optimizers built before must be rebuilt.
    /// </summary>
    public Module this[int index]
    {
        get => _items[index];
        set => ReplaceAt(_items, index, value, "module");
    }

    /// <inheritdoc/>
    protected override void OnReplacingChild(string name, Module replacement) => ReplacedAt(_items, name, replacement);

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Items => _items;

    /// <summary>A ModuleList is only a container: call its items instead.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("ModuleList has no forward: iterate over its items and call them.");
}
