using Descent.Serialization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>An ordered map from dotted names ("0.weight", "1.running_mean") to tensors, as PyTorch's state_dict.</summary>
public sealed class StateDict : IEnumerable<KeyValuePair<string, Tensor>>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Tensor> _map = new(StringComparer.Ordinal);

    /// <summary>Names in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Number of entries.</summary>
    public int Count => _order.Count;

    /// <summary>The tensor stored under <paramref name="key"/>.</summary>
    public Tensor this[string key] =>
        _map.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"State dict has no entry '{key}'.");

    /// <summary>Adds an entry; names must be unique.</summary>
    public void Add(string key, Tensor value)
    {
        if (!_map.TryAdd(key, value))
            throw new ArgumentException($"State dict already has an entry '{key}'.", nameof(key));
        _order.Add(key);
    }

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _map.ContainsKey(key);

    /// <summary>Looks up an entry.</summary>
    public bool TryGetValue(string key, out Tensor value) => _map.TryGetValue(key, out value!);

    /// <summary>Deep copy (detached clones), e.g. to remember the best weights.</summary>
    public StateDict Clone()
    {
        var copy = new StateDict();
        using (StepScope.Suspend())
            foreach (var k in _order) copy.Add(k, _map[k].Detach().Clone());
        return copy;
    }

    /// <summary>A state dict holding the tensors of a loaded checkpoint, in file order.</summary>
    public static StateDict FromNamedTensors(NamedTensors tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var dict = new StateDict();
        foreach (var (k, v) in tensors) dict.Add(k, v);
        return dict;
    }

    /// <summary>Converts loaded checkpoint contents (e.g. <c>Checkpoint.Load(path)</c>) into a state dict.</summary>
    public static implicit operator StateDict(NamedTensors tensors) => FromNamedTensors(tensors);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var k in _order) yield return new(k, _map[k]);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
