namespace Descent.Tensors.Autograd;

/// <summary>
/// Private gradient buffers of one data-parallel replica. While <see cref="Activate"/> is in effect on a thread,
/// backward passes on that thread accumulate the gradients of the listed parameters here instead of into their shared
/// <see cref="Tensor.Grad"/>, so replicas that share parameter values can run backward concurrently;
/// <see cref="AddTo"/> then sums the buffers into the parameters' gradients on one thread.
/// </summary>
internal sealed class ReplicaGradients
{
    [ThreadStatic] private static ReplicaGradients? _current;

    private readonly Dictionary<Tensor, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly Tensor[] _params;
    private readonly Tensor?[] _buffers;
    private readonly bool[] _written;

    /// <summary>Buffers for <paramref name="parameters"/> (allocated at their first gradient, outside any step scope).</summary>
    public ReplicaGradients(IReadOnlyList<Tensor> parameters)
    {
        _params = [.. parameters];
        _buffers = new Tensor?[_params.Length];
        _written = new bool[_params.Length];
        for (int i = 0; i < _params.Length; i++) _index.TryAdd(_params[i], i);
    }

    /// <summary>The replica active on this thread, or null.</summary>
    public static ReplicaGradients? Current => _current;

    /// <summary>Routes this thread's parameter gradients here until the handle is disposed.</summary>
    public Scope Activate()
    {
        var scope = new Scope(_current);
        _current = this;
        return scope;
    }

    /// <summary>Marks every buffer as holding zeros (the start of a step).</summary>
    public void Reset() => Array.Clear(_written);

    /// <summary>
    /// The buffer for <paramref name="leaf"/>'s gradient; <paramref name="fresh"/> when nothing was written to it this
    /// step (the caller must then write every element rather than add).
    /// </summary>
    public Tensor Target(Tensor leaf, out bool fresh)
    {
        if (!_index.TryGetValue(leaf, out int i))
            throw new InvalidOperationException(
                $"Data-parallel backward reached a leaf tensor {leaf.Shape} that is not a parameter of the model; " +
                "only model parameters can receive gradients in a replica.");
        fresh = !_written[i];
        _written[i] = true;
        if (_buffers[i] is { } buffer) return buffer;
        using var persistent = StepScope.Suspend();
        return _buffers[i] = Tensor.Empty(leaf.Shape, leaf.DType);
    }

    /// <summary>
    /// Adds the buffers written this step into the parameters' <see cref="Tensor.Grad"/> (through the engine's
    /// accumulation, so a deferred-zero gradient is overwritten rather than cleared and added to).
    /// </summary>
    public void AddTo()
    {
        for (int i = 0; i < _params.Length; i++)
        {
            if (!_written[i]) continue;
            var target = AutogradEngine.LeafTarget(_params[i], out bool overwrite);
            if (overwrite) target.CopyFrom(_buffers[i]!);
            else target.AddInPlace(_buffers[i]!);
        }
    }

    /// <summary>Restores the previously active replica (normally none) when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ReplicaGradients? _previous;

        internal Scope(ReplicaGradients? previous) => _previous = previous;

        /// <summary>Deactivates the replica on this thread.</summary>
        public void Dispose() => _current = _previous;
    }
}
