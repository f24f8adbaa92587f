using Descent.Optim;
using Descent.Tensors;

namespace Descent.Search.Trace;

/// <summary>
/// The optimizers a trace accepts: every <see cref="OptimizerFactory"/> name (as in experiment files), plus the textbook
/// presets gd, momentum-ema, sgd-momentum and nesterov, which are SGD (or GradientDescent) with preset hyperparameters.
/// Each comes with its update rule in textbook notation for the table's heading.
/// </summary>
internal static class TraceOptimizers
{
    private sealed record Preset(string Factory, Dictionary<string, object?> Hyperparameters, string Update);

    private static readonly Dictionary<string, Preset> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gd"] = new("GradientDescent", [], "θ ← θ − α·g"),
        ["momentum-ema"] = new("SGD", new() { ["momentum"] = 0.9, ["momentum_style"] = "ema" }, "v ← β·v + (1−β)·g (v₀ = 0);  θ ← θ − α·v"),
        ["sgd-momentum"] = new("SGD", new() { ["momentum"] = 0.9 }, "v ← g (t = 1), else v ← β·v + g;  θ ← θ − α·v   (PyTorch SGD)"),
        ["nesterov"] = new("SGD", new() { ["momentum"] = 0.9, ["nesterov"] = true },
            "v ← g (t = 1), else v ← β·v + g;  θ ← θ − α·(g + β·v)   (PyTorch SGD, nesterov)"),
    };

    // Update rules of the factory's optimizers (PyTorch's algorithms, without weight decay and maximize).
    private static readonly Dictionary<string, string> Updates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GradientDescent"] = "θ ← θ − α·g",
        ["SGD"] = "v ← g (t = 1), else v ← β·v + g, with β = momentum (0: plain SGD);  θ ← θ − α·v   (PyTorch SGD)",
        ["Adagrad"] = "G ← G + g²;  θ ← θ − α·g/(√G + ε)",
        ["RMSprop"] = "v ← α·v + (1−α)·g²;  θ ← θ − lr·g/(√v + ε)",
        ["Adam"] = "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − α·m̂/(√v̂ + ε)",
        ["AdamW"] = "θ ← θ·(1 − α·λ);  then the Adam step with m, v, m̂, v̂",
        ["Adamax"] = "m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − α·m/((1−β₁ᵗ)·u)",
        ["NAdam"] = "Adam with Nesterov momentum and momentum decay ψ (Dozat 2016; PyTorch NAdam)",
        ["RAdam"] = "Adam with the variance rectification of Liu et al. 2020 (SGD with momentum while ρₜ ≤ 5; PyTorch RAdam)",
        ["Adadelta"] = "v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε)·g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − lr·Δ",
        ["GA"] = "children of tournament winners: uniform crossover, θ + lr·N(0, I);  keep the best of parents ∪ children;  θ = the best (no gradient)",
        ["SA"] = "θ' = θ + lr·N(0, I);  keep θ' if f(θ') ≤ f(θ), else with probability exp(−Δf/T);  T ← αT (no gradient)",
    };

    /// <summary>The names accepted: the presets, then the factory's names in lower case (registered optimizers included).</summary>
    public static IReadOnlyList<string> Names =>
        [.. Presets.Keys, .. OptimizerFactory.Names.Select(n => n.ToLowerInvariant()).Where(n => !Presets.ContainsKey(n))];

    /// <summary>The factory's name of <paramref name="method"/> (a preset or a factory name in any case), or null.</summary>
    public static string? FactoryName(string method) =>
        Presets.TryGetValue(method, out var p) ? p.Factory
        : method.Equals("gd", StringComparison.OrdinalIgnoreCase) ? "GradientDescent"
        : OptimizerFactory.Names.FirstOrDefault(n => n.Equals(method, StringComparison.OrdinalIgnoreCase));

    /// <summary>The update rule shown above the table.</summary>
    public static string Update(string method, string factory) =>
        Presets.TryGetValue(method, out var p) ? p.Update : Updates.GetValueOrDefault(factory, $"{factory}'s update rule");

    /// <summary>
    /// Creates <paramref name="method"/> over <paramref name="theta"/>: the preset's hyperparameters, then
    /// <see cref="TraceSettings.Lr"/>, the <see cref="TraceSettings.WhereAccepted"/> ones the optimizer has, then
    /// <see cref="TraceSettings.Hyperparameters"/> (an unknown one is the factory's error).
    /// </summary>
    public static Optimizer Create(string method, string factory, Tensor theta, TraceSettings settings)
    {
        var accepted = OptimizerFactory.CreateOptions(factory).ToDictionary();
        var hyperparameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["lr"] = settings.Lr };
        if (Presets.TryGetValue(method, out var preset))
            foreach (var (k, v) in preset.Hyperparameters) hyperparameters[k] = v;
        foreach (var (k, v) in settings.WhereAccepted)
            if (accepted.ContainsKey(k)) hyperparameters[k] = v;
        foreach (var (k, v) in settings.Hyperparameters) hyperparameters[k] = v;
        return OptimizerFactory.Create(factory, [theta], hyperparameters);
    }
}
