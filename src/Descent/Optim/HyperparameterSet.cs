using System.Collections;

namespace Descent.Optim;

/// <summary>
/// The declared hyperparameters of an options record, in the order PyTorch writes them in a state dict's
/// <c>param_groups</c> (or a scheduler's signature), with lookup by key. Keys are unique.
/// </summary>
public sealed class HyperparameterSet : IReadOnlyList<Hyperparameter>
{
    private readonly Hyperparameter[] _items;
    private readonly Dictionary<string, Hyperparameter> _byKey = new(StringComparer.Ordinal);

    /// <summary>Creates the set from <paramref name="hyperparameters"/> in order.</summary>
    public HyperparameterSet(params IEnumerable<Hyperparameter> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        _items = [.. hyperparameters];
        foreach (var h in _items)
        {
            ArgumentNullException.ThrowIfNull(h, nameof(hyperparameters));
            if (!_byKey.TryAdd(h.Key, h))
                throw new ArgumentException($"The hyperparameter '{h.Key}' is declared twice.", nameof(hyperparameters));
        }
        Keys = _items.Select(h => h.Key).ToArray();
    }

    /// <summary>The keys in order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public Hyperparameter this[int index] => _items[index];

    /// <summary>The declaration with <paramref name="key"/>, or null.</summary>
    public Hyperparameter? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <inheritdoc/>
    public IEnumerator<Hyperparameter> GetEnumerator() => ((IEnumerable<Hyperparameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
