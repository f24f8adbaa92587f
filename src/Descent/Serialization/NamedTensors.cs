using System.Collections;
using Descent.Tensors;

namespace Descent.Serialization;

/// <summary>
/// An ordered list of uniquely named tensors plus string metadata: what a safetensors file holds.
/// The neutral exchange type between files and the layers that own state (modules, optimizers).
/// </summary>
public sealed class NamedTensors : IEnumerable<KeyValuePair<string, Tensor>>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Tensor> _map = new(StringComparer.Ordinal);

    /// <summary>An empty collection.</summary>
    public NamedTensors()
    {
    }

    /// <summary>A collection holding <paramref name="entries"/> in order (names must be unique).</summary>
    public NamedTensors(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (k, v) in entries) Add(k, v);
    }

    /// <summary>Free-form string metadata (the safetensors <c>__metadata__</c> object).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Names in order.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>Number of tensors.</summary>
    public int Count => _order.Count;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public Tensor this[string name] =>
        _map.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"No tensor named '{name}'.");

    /// <summary>Appends a tensor; names must be unique and non-empty.</summary>
    public void Add(string name, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_map.TryAdd(name, tensor))
            throw new ArgumentException($"A tensor named '{name}' is already present.", nameof(name));
        _order.Add(name);
    }

    /// <summary>True when a tensor named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => _map.ContainsKey(name);

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGetValue(string name, out Tensor tensor) => _map.TryGetValue(name, out tensor!);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var k in _order) yield return new(k, _map[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
