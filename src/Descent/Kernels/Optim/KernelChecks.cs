namespace Descent.Kernels.Optim;

/// <summary>Argument checks shared by the fused optimizer kernels (messages name the kernel and the lengths).</summary>
internal static class KernelChecks
{
    public static void SameLength(string kernel, int expected, params ReadOnlySpan<int> lengths)
    {
        foreach (int n in lengths)
            if (n != expected)
                throw new ArgumentException($"{kernel}: every buffer must hold {expected} elements (the parameter's), got {n}.");
    }
}
