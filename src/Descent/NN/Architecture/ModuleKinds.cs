namespace Descent.NN.Architecture;

/// <summary>
/// The registry of module kinds a <see cref="ModelArchitecture"/> can describe and rebuild: for each module type, its
/// kind name (the word stored in checkpoints), a function writing the module's settings into
/// <see cref="ModuleOptions"/> and a function building a module of that shape again. Descent's own layers and
/// containers are registered (<see cref="BuiltInModuleKinds"/>); other parts of the library (quantized layers) and
/// user modules outside the assembly register theirs with <see cref="Register{T}"/> before saving or loading.
/// </summary>
public static class ModuleKinds
{
    private sealed record Entry(string Kind, Type Type, Action<Module, ModuleOptions> Describe, Func<ModuleBuildContext, Module> Build);

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Entry> ByKind = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, Entry> ByType = [];

    static ModuleKinds() => BuiltInModuleKinds.RegisterAll();

    /// <summary>
    /// Registers modules of type <typeparamref name="T"/> (exactly that type) under <paramref name="kind"/>.
    /// <paramref name="describe"/> writes the settings a rebuild needs (shapes as the module has them now);
    /// <paramref name="build"/> makes a module of that shape from them and its already built children (containers).
    /// Registering a kind or type again replaces the earlier entry.
    /// </summary>
    public static void Register<T>(string kind, Action<T, ModuleOptions> describe, Func<ModuleBuildContext, T> build) where T : Module
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(describe);
        ArgumentNullException.ThrowIfNull(build);
        var entry = new Entry(kind, typeof(T), (m, o) => describe((T)m, o), c => build(c));
        lock (Gate)
        {
            if (ByKind.TryGetValue(kind, out var old)) ByType.Remove(old.Type);
            if (ByType.TryGetValue(typeof(T), out var previous)) ByKind.Remove(previous.Kind);
            ByKind[kind] = entry;
            ByType[typeof(T)] = entry;
        }
    }

    /// <summary>The registered kind names.</summary>
    public static IReadOnlyList<string> Kinds
    {
        get
        {
            lock (Gate) return [.. ByKind.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The kind of <paramref name="type"/>, or null when it is not registered.</summary>
    public static string? KindOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (Gate) return ByType.TryGetValue(type, out var e) ? e.Kind : null;
    }

    internal static bool TryDescribe(Module module, out string kind, out ModuleOptions options)
    {
        Entry? entry;
        lock (Gate) ByType.TryGetValue(module.GetType(), out entry);
        options = new ModuleOptions();
        kind = entry?.Kind ?? "";
        if (entry is null) return false;
        entry.Describe(module, options);
        return true;
    }

    internal static Func<ModuleBuildContext, Module>? Builder(string kind)
    {
        lock (Gate) return ByKind.TryGetValue(kind, out var e) ? e.Build : null;
    }
}
