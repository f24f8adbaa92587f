using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Module surgery: finding a descendant by its dotted path and replacing it (PyTorch's <c>get_submodule</c> and
/// <c>setattr(parent, name, new)</c>), as compression does when it swaps a layer for a resized or quantized one.
/// </summary>
public abstract partial class Module
{
    /// <summary>
    /// The descendant at dotted <paramref name="path"/> ("features.3", "blocks.1.conv2"; "" is this module), as
    /// listed by <see cref="NamedModules"/>. A bad path names the missing segment and the children available there.
    /// </summary>
    public Module GetSubmodule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return this;
        var module = this;
        var walked = "";
        foreach (var segment in path.Split('.'))
        {
            module = module.FindChild(segment) ?? throw new ArgumentException(MissingChild(path, walked, module, segment), nameof(path));
            walked = Join(walked, segment);
        }
        return module;
    }

    /// <summary>
    /// Puts <paramref name="replacement"/> in place of the descendant at dotted <paramref name="path"/> (same name,
    /// same position, so state-dict order is kept) and returns the module it replaced. The model's parameters change:
    /// an optimizer built before the surgery fails at its next step with a message naming the removed parameter, so
    /// build a new one over <see cref="Parameters"/>. The old module is left intact and can be used on its own.
    /// </summary>
    /// <exception cref="ArgumentException">The path does not exist, is empty, or the replacement contains the parent.</exception>
    /// <exception cref="NotSupportedException">The parent keeps its own typed reference to the child (e.g. MultiheadAttention's out_proj).</exception>
    public Module ReplaceSubmodule(string path, Module replacement)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(replacement);
        if (path.Length == 0)
            throw new ArgumentException($"{TypeName}.ReplaceSubmodule: the path is empty; a module cannot replace itself (replace it in its parent).", nameof(path));
        int dot = path.LastIndexOf('.');
        var parent = GetSubmodule(dot < 0 ? "" : path[..dot]);
        var name = path[(dot + 1)..];
        int index = parent._children.FindIndex(c => c.Name == name);
        if (index < 0)
            throw new ArgumentException(MissingChild(path, dot < 0 ? "" : path[..dot], parent, name), nameof(path));
        var old = parent._children[index].Module;
        if (ReferenceEquals(old, replacement)) return old;
        if (replacement.NamedModules().Any(m => ReferenceEquals(m.Module, parent)))
            throw new ArgumentException($"{TypeName}.ReplaceSubmodule('{path}'): the replacement {replacement.TypeName} contains the module that would hold it; that would make a cycle.", nameof(replacement));
        parent.OnReplacingChild(name, replacement);
        parent._children[index] = (name, replacement);
        MarkRemoved(old, path, replacement);
        Rejoin(replacement);
        return old;
    }

    /// <summary>
    /// Called by <see cref="ReplaceSubmodule"/> before child <paramref name="name"/> is swapped for
    /// <paramref name="replacement"/>: a module that keeps its own references to its children updates them here
    /// (or throws to refuse). The default refuses, because a module whose forward uses a field would otherwise keep
    /// running the old child.
    /// </summary>
    protected virtual void OnReplacingChild(string name, Module replacement) =>
        throw new NotSupportedException($"{TypeName} does not support replacing its child '{name}': its forward keeps its own reference to it. " +
            "Containers (Sequential, ModuleList, Residual, ResidualBlock) do support it.");

    /// <summary>
    /// Replaces item <paramref name="index"/> of a container whose children are named by their position ("0", "1",
    /// …) and listed in <paramref name="items"/> (Sequential, ModuleList), through <see cref="ReplaceSubmodule"/>.
    /// </summary>
    private protected void ReplaceAt(List<Module> items, int index, Module value, string noun)
    {
        if ((uint)index >= (uint)items.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{TypeName}: no {noun} {index}; it has {items.Count} (0..{items.Count - 1}).");
        ReplaceSubmodule(index.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
    }

    /// <summary>Updates a positional container's own list when its child <paramref name="name"/> ("3") is replaced.</summary>
    private protected static void ReplacedAt(List<Module> items, string name, Module replacement) =>
        items[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)] = replacement;

    private Module? FindChild(string name)
    {
        foreach (var (n, m) in _children)
            if (n == name) return m;
        return null;
    }

    private static string MissingChild(string path, string walked, Module at, string segment)
    {
        var where = walked.Length == 0 ? "the root" : $"'{walked}'";
        var available = at._children.Count == 0 ? "it has no children" : $"its children: {string.Join(", ", at._children.Select(c => c.Name))}";
        return $"No submodule '{path}': {at.TypeName} at {where} has no child '{segment}' ({available}).";
    }

    /// <summary>Marks the parameters of <paramref name="old"/> that this model no longer holds as removed (optimizers check).</summary>
    private void MarkRemoved(Module old, string path, Module replacement)
    {
        var remaining = new HashSet<Tensor>(Parameters(), ReferenceEqualityComparer.Instance);
        ParameterRemoval? removal = null;
        foreach (var p in old.Parameters())
        {
            if (remaining.Contains(p)) continue;
            removal ??= ParameterRemoval.Create(
                $"ReplaceSubmodule('{path}') replaced the {old.TypeName} holding it with {replacement.TypeName}");
            p.Removal = removal;
        }
    }

    /// <summary>A module put into a model holds its parameters again, even if surgery had taken them out of another one.</summary>
    private static void Rejoin(Module module)
    {
        foreach (var p in module.Parameters()) p.Removal = null;
    }
}
