namespace Descent.Tensors.Autograd;

/// <summary>
/// Per-thread switch for graph recording. <c>using (GradMode.Disable()) { ... }</c> runs inference and
/// optimizer updates without building a graph (PyTorch's <c>torch.no_grad()</c>).
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    /// <summary>True when ops record autograd nodes on this thread.</summary>
    public static bool IsEnabled => !_disabled;

    /// <summary>Turns recording off until the returned handle is disposed.</summary>
    public static Handle Disable()
    {
        var h = new Handle(_disabled);
        _disabled = true;
        return h;
    }

    /// <summary>Turns recording on until the returned handle is disposed (PyTorch's <c>enable_grad</c>).</summary>
    public static Handle Enable()
    {
        var h = new Handle(_disabled);
        _disabled = false;
        return h;
    }

    /// <summary>Restores the previous mode when disposed.</summary>
    public readonly struct Handle : IDisposable
    {
        private readonly bool _previousDisabled;

        internal Handle(bool previousDisabled) => _previousDisabled = previousDisabled;

        /// <summary>Restores the mode that was active before.</summary>
        public void Dispose() => _disabled = _previousDisabled;
    }
}
