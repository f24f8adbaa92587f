namespace Descent.Tensors;

/// <summary>
/// The flat buffer behind one or more tensors (views share it). A storage created inside a
/// <see cref="StepScope"/> is returned to the buffer pool when the scope ends; after that,
/// any access throws <see cref="ObjectDisposedException"/> instead of reading recycled memory.
/// </summary>
public abstract class Storage
{
    private protected Storage(int length) => Length = length;

    /// <summary>Number of elements in use.</summary>
    public int Length { get; }

    /// <summary>Element type.</summary>
    public abstract DType DType { get; }

    /// <summary>True once the owning step scope has ended.</summary>
    public bool IsDisposed { get; private protected set; }

    /// <summary>True when the buffer came from the pool (and goes back to it).</summary>
    internal bool IsPooled { get; private protected set; }

    /// <summary>Returns the buffer to the pool and marks the storage disposed.</summary>
    internal abstract void Release();

    /// <summary>Creates a storage of <paramref name="length"/> elements of <paramref name="dtype"/>.</summary>
    internal static Storage Create(DType dtype, int length, bool zeroed) => dtype switch
    {
        DType.Float32 => Storage<float>.Allocate(length, zeroed),
        DType.Float64 => Storage<double>.Allocate(length, zeroed),
        DType.Int64 => Storage<long>.Allocate(length, zeroed),
        DType.Bool => Storage<bool>.Allocate(length, zeroed),
        DType.Int8 => Storage<sbyte>.Allocate(length, zeroed),
        DType.UInt8 => Storage<byte>.Allocate(length, zeroed),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    private protected void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Tensor),
            "This tensor was created inside a step scope that has ended; its memory went back to the pool. " +
            "Copy what must outlive the step (Item(), ToArray(), Clone() outside the scope).");
}

/// <summary>A storage of elements of type <typeparamref name="T"/>.</summary>
public sealed class Storage<T> : Storage where T : unmanaged
{
    private T[] _array;

    private Storage(T[] array, int length, bool pooled) : base(length)
    {
        _array = array;
        IsPooled = pooled;
    }

    /// <inheritdoc/>
    public override DType DType => DTypeExtensions.Of<T>();

    /// <summary>Wraps an existing array without copying (the array must not be pooled).</summary>
    internal static Storage<T> Wrap(T[] array) => new(array, array.Length, pooled: false);

    /// <summary>
    /// Allocates <paramref name="length"/> elements: from the pool when a step scope is active on this thread
    /// (the scope takes ownership), else a plain GC array.
    /// </summary>
    internal static Storage<T> Allocate(int length, bool zeroed)
    {
        var scope = ScopeFrame.Current;
        if (scope is null || length == 0)
            return new Storage<T>(length == 0 ? [] : new T[length], length, pooled: false);
        var array = BufferPool<T>.Rent(length);
        if (zeroed)
            System.Array.Clear(array, 0, length);
        var storage = new Storage<T>(array, length, pooled: true);
        scope.Track(storage);
        return storage;
    }

    /// <summary>The backing array (may be longer than <see cref="Storage.Length"/>).</summary>
    internal T[] Array
    {
        get
        {
            if (IsDisposed) ThrowDisposed();
            return _array;
        }
    }

    /// <summary>All elements in use.</summary>
    public Span<T> Span
    {
        get
        {
            if (IsDisposed) ThrowDisposed();
            return _array.AsSpan(0, Length);
        }
    }

    internal override void Release()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (IsPooled)
            BufferPool<T>.Return(_array);
        _array = [];
    }
}
