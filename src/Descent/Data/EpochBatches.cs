using System.Collections;

namespace Descent.Data;

/// <summary>
/// The batches of one epoch of a <see cref="DataLoader"/>, enumerable with <c>foreach</c> without allocating
/// (struct enumerator). Enumerating it produces the batches into the loader's buffers.
/// </summary>
public readonly struct EpochBatches : IEnumerable<Batch>
{
    private readonly DataLoader _loader;
    private readonly int _epoch;
    private readonly int _start;
    private readonly int _count;

    internal EpochBatches(DataLoader loader, int epoch, int start, int count)
    {
        _loader = loader;
        _epoch = epoch;
        _start = start;
        _count = count;
    }

    /// <summary>The epoch.</summary>
    public int EpochIndex => _epoch;

    /// <summary>Number of batches this enumeration yields (the epoch's batches from the start batch on).</summary>
    public int Count => _count - _start;

    /// <summary>Starts producing batches.</summary>
    public Enumerator GetEnumerator() => new(_loader, _epoch, _start, _count);

    IEnumerator<Batch> IEnumerable<Batch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Produces the batches of one epoch.</summary>
    public struct Enumerator : IEnumerator<Batch>
    {
        private readonly DataLoader _loader;
        private readonly int _epoch;
        private readonly int _start;
        private readonly int _count;
        private readonly int _batchSize;
        private int _next;
        private Batch _current;

        internal Enumerator(DataLoader loader, int epoch, int start, int count)
        {
            _loader = loader;
            _epoch = epoch;
            _start = start;
            _count = count;
            _batchSize = loader.BatchSize(epoch);
            _next = start;
            _current = default;
            loader.Seek(epoch, start, _batchSize);
        }

        /// <summary>The batch just produced.</summary>
        public readonly Batch Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Produces the next batch; false at the end of the epoch.</summary>
        public bool MoveNext()
        {
            if (_next >= _count)
                return false;
            _current = _loader.Produce(_epoch, _next, _batchSize);
            _next++;
            return true;
        }

        /// <summary>Restarts at the enumeration's start batch.</summary>
        public void Reset()
        {
            _next = _start;
            _current = default;
            _loader.Seek(_epoch, _start, _batchSize);
        }

        /// <summary>Nothing to release (the buffers belong to the loader).</summary>
        public readonly void Dispose()
        {
        }
    }
}
