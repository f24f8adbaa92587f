using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Unstructured;

/// <summary>
/// Unstructured pruning inside modules, with <c>torch.nn.utils.prune</c>'s semantics: the layer's weight is masked
/// (<see cref="Module.SetParameterMask"/>: masked forward and therefore masked gradient, so pruned weights stay zero
/// through training), and pruning a masked weight again composes like PyTorch's <c>PruningContainer</c>: the amount
/// is taken of the entries still unpruned and ranked by the masked weight, the new mask is the product of both.
/// <see cref="Module.RemoveParameterMask"/> (<c>prune.remove</c>) bakes a mask in. Ties in |w| go to the lower flat
/// index, as <see cref="MagnitudePruning"/>.
/// </summary>
public static class UnstructuredPruning
{
    /// <summary>Masks the <paramref name="amount"/> still-unpruned entries of smallest |w| (<c>prune.l1_unstructured</c>). Returns the combined mask.</summary>
    public static Tensor L1(Module module, string name, PruneAmount amount) =>
        GlobalL1([new PrunableParameter("", module, name)], amount)[0];

    /// <summary>
    /// Masks the <paramref name="amount"/> still-unpruned entries of smallest |w| across all <paramref name="parameters"/>
    /// ranked together (<c>prune.global_unstructured</c> with L1Unstructured). Returns the combined masks in order.
    /// </summary>
    public static IReadOnlyList<Tensor> GlobalL1(IReadOnlyList<PrunableParameter> parameters, PruneAmount amount) =>
        Compose(parameters, amount, (values, remaining, k) =>
        {
            var magnitudes = remaining.Select(i => values[i]).ToArray();
            return MagnitudePruning.Smallest(magnitudes, k, Math.Abs).Select(j => remaining[j]);
        });

    /// <summary>
    /// Masks <paramref name="amount"/> still-unpruned entries chosen uniformly at random (<c>prune.random_unstructured</c>;
    /// the draws come from <paramref name="generator"/>, default <see cref="Generator.Default"/>, not PyTorch's RNG).
    /// </summary>
    public static Tensor Random(Module module, string name, PruneAmount amount, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        return Compose([new PrunableParameter("", module, name)], amount, (_, remaining, k) =>
        {
            // Partial Fisher–Yates: the first k of a uniform shuffle.
            var order = remaining.ToArray();
            for (int i = 0; i < k; i++)
            {
                int j = i + (int)g.NextInt64(order.Length - i);
                (order[i], order[j]) = (order[j], order[i]);
            }
            return order.Take(k);
        })[0];
    }

    /// <summary>
    /// Prunes (global L1) until <paramref name="sparsity"/> of all entries of <paramref name="parameters"/> are masked, as a
    /// sparsity schedule asks (tfmot's <c>prune_low_magnitude</c> takes the target of the whole tensor, not of the
    /// remainder). Already-pruned entries stay pruned; a target below the current sparsity changes nothing.
    /// </summary>
    public static IReadOnlyList<Tensor> GlobalL1ToSparsity(IReadOnlyList<PrunableParameter> parameters, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (sparsity is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "unstructured pruning: a target sparsity must be in [0, 1].");
        long total = parameters.Sum(p => (long)p.Parameter.Numel);
        long pruned = parameters.Sum(p => p.Mask is { } m ? MagnitudePruning.CountPruned(m) : 0);
        long target = (long)Math.Round(sparsity * total, MidpointRounding.ToEven);
        return GlobalL1(parameters, PruneAmount.Count((int)Math.Max(0, target - pruned)));
    }

    /// <summary>
    /// The weights of every Linear, Conv1d and Conv2d of <paramref name="model"/> in model order, except the layers at
    /// the dotted paths in <paramref name="ignore"/>.
    /// </summary>
    public static IReadOnlyList<PrunableParameter> Weights(Module model, IEnumerable<string>? ignore = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var skip = new HashSet<string>(ignore ?? [], StringComparer.Ordinal);
        foreach (var path in skip) model.GetSubmodule(path);   // a wrong path names what exists there
        return model.NamedModules()
            .Where(m => !skip.Contains(m.Name) && m.Module.MaskableParameters.Contains("weight"))
            .Select(m => new PrunableParameter(m.Name, m.Module, "weight"))
            .ToList();
    }

    /// <summary>The fraction of entries of <paramref name="parameters"/> that are masked out (0 when none is masked).</summary>
    public static double Sparsity(IReadOnlyList<PrunableParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        long total = parameters.Sum(p => (long)p.Parameter.Numel);
        long pruned = parameters.Sum(p => p.Mask is { } m ? MagnitudePruning.CountPruned(m) : 0);
        return total == 0 ? 0 : (double)pruned / total;
    }

    /// <summary>Bakes every mask of <paramref name="model"/> into its parameter (<c>prune.remove</c> on each).</summary>
    public static void RemoveAll(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (_, module) in model.NamedModules())
            foreach (var name in module.MaskedParameters.ToList()) module.RemoveParameterMask(name);
    }

    /// <summary>
    /// Gives <paramref name="model"/> a mask for every "&lt;layer&gt;.&lt;parameter&gt;_mask" entry of
    /// <paramref name="state"/> (all ones until the state dict is loaded), so a pruned checkpoint loads into a freshly
    /// built model with <see cref="Module.LoadStateDict"/>.
    /// </summary>
    public static void AddMasksFor(Module model, StateDict state)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        var modules = model.NamedModules().ToDictionary(m => m.Name, m => m.Module, StringComparer.Ordinal);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        foreach (var key in state.Keys.Where(k => k.EndsWith("_mask", StringComparison.Ordinal)))
        {
            var parameterKey = key[..^"_mask".Length];
            if (!parameters.TryGetValue(parameterKey, out var parameter)) continue;   // LoadStateDict reports the unexpected key
            int dot = parameterKey.LastIndexOf('.');
            var module = modules[dot < 0 ? "" : parameterKey[..dot]];
            var name = parameterKey[(dot + 1)..];
            if (module.GetParameterMask(name) is null) module.SetParameterMask(name, Tensor.OnesLike(parameter));
        }
    }

    private static Tensor[] Compose(IReadOnlyList<PrunableParameter> parameters, PruneAmount amount,
        Func<double[], int[], int, IEnumerable<int>> choose)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("unstructured pruning: no parameters given.", nameof(parameters));
        // PyTorch ranks getattr(module, name), i.e. the masked weight, over the entries its current mask keeps.
        var values = new List<double>();
        var keep = new List<double>();
        foreach (var p in parameters)
        {
            var parameter = p.Parameter;
            var mask = p.Mask?.ToDoubleArray();
            var w = parameter.ToDoubleArray();
            for (int i = 0; i < w.Length; i++)
            {
                double m = mask?[i] ?? 1;
                values.Add(w[i] * m);
                keep.Add(m);
            }
        }
        var remaining = Enumerable.Range(0, keep.Count).Where(i => keep[i] != 0).ToArray();
        int k = amount.UnitsOf(remaining.Length);
        var all = values.ToArray();
        foreach (var i in choose(all, remaining, k)) keep[i] = 0;
        var masks = new Tensor[parameters.Count];
        int offset = 0;
        for (int t = 0; t < parameters.Count; t++)
        {
            var parameter = parameters[t].Parameter;
            var mask = Tensor.FromArray(keep.GetRange(offset, parameter.Numel).ToArray(), [.. parameter.Shape.ToArray()]).To(parameter.DType);
            parameters[t].Module.SetParameterMask(parameters[t].Name, mask);
            masks[t] = parameters[t].Mask!;
            offset += parameter.Numel;
        }
        return masks;
    }
}
