namespace Descent.Tensors.Autograd;

/// <summary>
/// What one call of a <see cref="Function"/> passes from its forward to its backward (PyTorch's <c>ctx</c>): saved
/// tensors, non-tensor attributes, and which inputs need a gradient. One context per <see cref="Function.Apply"/>.
/// </summary>
public sealed class FunctionContext
{
    private readonly Function _function;
    private readonly bool[] _needsInputGrad;
    private Tensor?[] _saved = [];
    private Dictionary<string, object?>? _attributes;

    internal FunctionContext(Function function, Tensor[] inputs, bool recording)
    {
        _function = function;
        _needsInputGrad = new bool[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            _needsInputGrad[i] = recording && inputs[i].RequiresGrad;
    }

    /// <summary>Number of tensor inputs of the call.</summary>
    public int InputCount => _needsInputGrad.Length;

    /// <summary>
    /// True when the backward must compute a gradient for input <paramref name="index"/> (grad mode was on and the
    /// input requires grad); PyTorch's <c>ctx.needs_input_grad[index]</c>.
    /// </summary>
    public bool NeedsInputGrad(int index)
    {
        if ((uint)index >= (uint)_needsInputGrad.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"{_function.Name}: input {index} does not exist; the call has {_needsInputGrad.Length} input(s).");
        return _needsInputGrad[index];
    }

    /// <summary>Keeps <paramref name="tensors"/> for the backward (null entries allowed); replaces earlier saves.</summary>
    public void SaveForBackward(params Tensor?[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _saved = (Tensor?[])tensors.Clone();
    }

    /// <summary>The tensors given to <see cref="SaveForBackward"/>, in order.</summary>
    public IReadOnlyList<Tensor?> SavedTensors => _saved;

    /// <summary>Stores a non-tensor value (a shape, a flag, a count) for the backward under <paramref name="name"/>.</summary>
    public void Set(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        (_attributes ??= new(StringComparer.Ordinal))[name] = value;
    }

    /// <summary>The value stored under <paramref name="name"/> by <see cref="Set"/>, as <typeparamref name="T"/>.</summary>
    public T Get<T>(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_attributes is null || !_attributes.TryGetValue(name, out var value))
            throw new KeyNotFoundException(
                $"{_function.Name}: no attribute '{name}' was set in Forward (set: {(_attributes is null ? "none" : string.Join(", ", _attributes.Keys))}).");
        if (value is T typed) return typed;
        if (value is null && default(T) is null) return default!;
        throw new InvalidCastException(
            $"{_function.Name}: attribute '{name}' is {value?.GetType().Name ?? "null"}, not {typeof(T).Name}.");
    }
}
