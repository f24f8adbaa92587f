namespace Descent.Tensors;

/// <summary>
/// A region (one training step) whose intermediate tensors are recycled when it ends: every storage
/// allocated on this thread while the scope is active comes from the buffer pool and goes back
/// to it at <see cref="Dispose"/>. Tensors used afterwards throw <see cref="ObjectDisposedException"/>.
/// Long-lived state (parameters, gradients, optimizer state, module buffers) must be created outside a
/// scope or inside <see cref="Suspend"/>. Scopes nest; each tracks only its own allocations.
/// Without any scope everything is still correct: the GC reclaims unreachable buffers.
/// </summary>
/// <example><code>
/// using (StepScope.Begin()) { var loss = lossFn(model.Forward(x), y); loss.Backward(); opt.Step(); }
/// </code></example>
public readonly struct StepScope : IDisposable
{
    private readonly ScopeFrame? _frame;
    private readonly int _generation;

    private StepScope(ScopeFrame frame)
    {
        _frame = frame;
        _generation = frame.Generation;
    }

    /// <summary>The innermost active scope frame on this thread, or null.</summary>
    internal static ScopeFrame? Current => ScopeFrame.Current;

    /// <summary>True while some scope is active on this thread.</summary>
    public static bool IsActive => ScopeFrame.Current is not null;

    /// <summary>Starts a scope on this thread. Frames are reused, so steady-state steps allocate nothing here.</summary>
    public static StepScope Begin() => new(ScopeFrame.Push());

    /// <summary>
    /// Suspends pooling on this thread until the returned handle is disposed: allocations inside are ordinary
    /// long-lived GC memory (used for gradients, optimizer state and anything that must outlive the step).
    /// </summary>
    public static SuspendHandle Suspend()
    {
        var saved = ScopeFrame.Current;
        ScopeFrame.Current = null;
        return new SuspendHandle(saved);
    }

    /// <summary>Number of storages this scope will recycle.</summary>
    public int TrackedCount => _frame is { } f && f.Generation == _generation ? f.TrackedCount : 0;

    /// <summary>Ends the scope and returns every storage it tracked to the pool. A second call does nothing.</summary>
    public void Dispose()
    {
        if (_frame is { } f && f.Generation == _generation)
            f.Pop();
    }

    /// <summary>Restores the suspended scope when disposed.</summary>
    public readonly struct SuspendHandle : IDisposable
    {
        private readonly ScopeFrame? _saved;

        internal SuspendHandle(ScopeFrame? saved) => _saved = saved;

        /// <summary>Re-activates the scope that was current before <see cref="Suspend"/>.</summary>
        public void Dispose() => ScopeFrame.Current = _saved;
    }
}

/// <summary>Per-thread bookkeeping of one active <see cref="StepScope"/> (reused across steps).</summary>
internal sealed class ScopeFrame
{
    [ThreadStatic] internal static ScopeFrame? Current;
    [ThreadStatic] private static Stack<ScopeFrame>? _free;

    private readonly List<Storage> _tracked = new(256);
    private ScopeFrame? _parent;

    public int Generation { get; private set; }

    public int TrackedCount => _tracked.Count;

    public static ScopeFrame Push()
    {
        _free ??= new Stack<ScopeFrame>();
        var frame = _free.Count > 0 ? _free.Pop() : new ScopeFrame();
        frame._parent = Current;
        Current = frame;
        return frame;
    }

    public void Track(Storage storage) => _tracked.Add(storage);

    public void Pop()
    {
        if (!ReferenceEquals(Current, this))
            throw new InvalidOperationException(
                "StepScope disposed out of order: dispose inner scopes first, on the thread that began them.");
        foreach (var s in _tracked)
            s.Release();
        _tracked.Clear();
        Generation++;
        Current = _parent;
        _parent = null;
        _free!.Push(this);
    }
}
