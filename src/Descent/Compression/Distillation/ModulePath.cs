using Descent.NN;

namespace Descent.Compression.Distillation;

/// <summary>Finds a submodule by its dotted path ("0", "features.3"), as named by <see cref="Module.NamedModules"/>.</summary>
internal static class ModulePath
{
    /// <summary>The module at <paramref name="path"/> in <paramref name="root"/>; the error lists the paths that exist.</summary>
    public static Module Resolve(Module root, string path, string owner)
    {
        var all = root.NamedModules().Where(m => m.Name.Length > 0).ToList();
        foreach (var (name, module) in all)
            if (name == path) return module;
        const int shown = 20;
        var names = string.Join(", ", all.Take(shown).Select(m => $"'{m.Name}' ({m.Module.TypeName})"));
        throw new ArgumentException(
            $"distillation: the {owner} has no layer '{path}'; its layers are {(all.Count == 0 ? "none" : names)}{(all.Count > shown ? ", ..." : "")}.");
    }
}
