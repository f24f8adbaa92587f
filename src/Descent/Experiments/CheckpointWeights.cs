using System.Globalization;
using Descent.NN;

namespace Descent.Experiments;

/// <summary>
/// Loads a checkpoint's weights into an experiment's model, and when they do not fit says which two models they are,
/// e.g. "checkpoint x.ckpt holds a lenet5 (conv 6×1×5×5, conv 16×6×5×5, linear 120×256, …); this run's model is mlp
/// (linear 256×784, …)", instead of the key-by-key state-dict diff of <see cref="Module.LoadStateDict"/> (a checkpoint
/// from another run is a user's mistake, not a bug).
/// </summary>
public static class CheckpointWeights
{
    /// <summary>
    /// Copies <paramref name="weights"/> (read from <paramref name="checkpointPath"/>, whose stored experiment is
    /// <paramref name="checkpointConfig"/> when known) into <paramref name="model"/> (built from
    /// <paramref name="modelConfig"/>; <paramref name="modelIs"/> names it, e.g. "this run's model").
    /// </summary>
    /// <exception cref="InvalidDataException">Names or shapes differ; nothing is loaded.</exception>
    public static void Load(Module model, StateDict weights, string checkpointPath, ExperimentConfig? checkpointConfig,
        ExperimentConfig modelConfig, string modelIs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(modelConfig);
        var own = model.StateDict();
        bool fits = own.Count == weights.Count
            && own.All(kv => weights.TryGetValue(kv.Key, out var w) && w.Shape == kv.Value.Shape && w.DType == kv.Value.DType);
        if (!fits)
            throw new InvalidDataException(
                $"checkpoint {checkpointPath} holds {Article(Describe(checkpointConfig, weights))}; {modelIs} is {Describe(modelConfig, own)}.");
        model.LoadStateDict(weights);
    }

    /// <summary>
    /// A model in a few words: the preset name (or "layers") and its weight shapes, e.g. "mlp (linear 256×784,
    /// linear 128×256, linear 10×128)"; at most four layers are listed.
    /// </summary>
    public static string Describe(ExperimentConfig? config, StateDict weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        string name = config is null ? "model" : config.Model.Preset ?? "layers model";
        var layers = weights.Where(kv => kv.Key == "weight" || kv.Key.EndsWith(".weight", StringComparison.Ordinal))
            .Select(kv => Layer(kv.Value.Shape.Dims)).ToList();
        if (layers.Count == 0) return $"{name} (no weights)";
        return $"{name} ({string.Join(", ", layers.Take(4))}{(layers.Count > 4 ? ", …" : "")})";
    }

    private static string Layer(ReadOnlySpan<int> dims)
    {
        var text = string.Join('×', dims.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return dims.Length switch
        {
            4 => $"conv {text}",
            2 => $"linear {text}",
            1 => $"norm {text}",
            _ => $"weight {text}",
        };
    }

    private static string Article(string description) =>
        description.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(description[0]), StringComparison.Ordinal) ? $"an {description}" : $"a {description}";
}
