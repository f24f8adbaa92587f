using Descent.Tensors;

namespace Descent.Data;

/// <summary>
/// Loader-owned batch memory: for each output produced while building a batch (gathered features, gathered
/// targets, then each transform output in call order) two long-lived storages that alternate between
/// consecutive batches. A slot grows when a batch needs more room (dynamic batch sizes) and is reused
/// otherwise, so steady-state batches allocate only tensor headers. Storages are created under
/// <see cref="StepScope.Suspend"/>: a batch built while a step scope is active is not recycled with the step.
/// </summary>
internal sealed class BatchBuffers
{
    private readonly List<Storage?[]> _slots = [];
    private int _parity;
    private int _next;

    /// <summary>Starts a new batch: flips to the other buffer of every slot and restarts the slot sequence.</summary>
    public void NextBatch()
    {
        _parity ^= 1;
        _next = 0;
    }

    /// <summary>The next slot's buffer viewed as <paramref name="shape"/> (contents unspecified).</summary>
    public Tensor Take(Shape shape, DType dtype)
    {
        if (_next == _slots.Count)
            _slots.Add(new Storage?[2]);
        var pair = _slots[_next++];
        int n = shape.Numel;
        var storage = pair[_parity];
        if (storage is null || storage.DType != dtype || storage.Length < n)
        {
            using (StepScope.Suspend())
                storage = Storage.Create(dtype, n, zeroed: false);
            pair[_parity] = storage;
        }
        return new Tensor(storage, 0, shape);
    }
}
