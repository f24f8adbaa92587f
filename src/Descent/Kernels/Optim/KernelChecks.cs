namespace Descent.Kernels.Optim;

/// <summary>
/// Length checks shared by the fused optimizer kernels (messages name the kernel and the lengths). The optimizers size
/// every buffer from the parameter, so a mismatch is a bug in Descent: <see cref="DescentInternalException"/>.
/// </summary>
internal static class KernelChecks
{
    public static void SameLength(string kernel, int expected, params ReadOnlySpan<int> lengths)
    {
        foreach (int n in lengths)
            if (n != expected)
                throw new DescentInternalException($"{kernel}: every buffer must hold {expected} elements (the parameter's), got {n}.");
    }
}
