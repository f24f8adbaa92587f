using Descent.Tensors;

namespace Descent.NN.Architecture;

/// <summary>
/// What a module kind's build function gets: the module's options, dtype and already built children, the path it
/// has in the model (for messages) and the generator for initialization and dropout. The weights are loaded after
/// the whole model is built, so a build function only has to make modules of the right shapes.
/// </summary>
public sealed class ModuleBuildContext
{
    internal ModuleBuildContext(string where, string path, ModuleOptions options, DType dtype,
        IReadOnlyList<(string Name, Module Module)> children, Generator generator)
    {
        Where = where;
        Path = path;
        Options = options;
        DType = dtype;
        Children = children;
        Generator = generator;
    }

    /// <summary>The module's path in the model ("" for the root, "3.body.0").</summary>
    public string Path { get; }

    /// <summary>The file and module a message should name.</summary>
    public string Where { get; }

    /// <summary>The module's options.</summary>
    public ModuleOptions Options { get; }

    /// <summary>Element type of its tensors (float32 when it recorded none).</summary>
    public DType DType { get; }

    /// <summary>The built children, in order.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children { get; }

    /// <summary>Initialization and dropout generator of the rebuilt model.</summary>
    public Generator Generator { get; }

    /// <summary>The child named <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">There is none.</exception>
    public Module Child(string name) => OptionalChild(name)
        ?? throw new InvalidDataException($"{Where}: child '{name}' is missing (children: {string.Join(", ", Children.Select(c => c.Name))}).");

    /// <summary>The child named <paramref name="name"/>, or null.</summary>
    public Module? OptionalChild(string name)
    {
        foreach (var (n, m) in Children)
            if (n == name) return m;
        return null;
    }

    /// <summary>An error about this module's description, naming the file and the module.</summary>
    public InvalidDataException Error(string message) => new($"{Where}: {message}");
}
