namespace Descent.Tests.Kernels.Optim;

/// <summary>Tests that change the process-wide SIMD level run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OptimKernelsCollection
{
    public const string Name = "Optim kernels (KernelConfig changes)";
}
