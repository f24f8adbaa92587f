namespace Descent.Tests.Kernels;

/// <summary>
/// Tests that switch <see cref="Descent.Kernels.KernelConfig.Simd"/> (a process-wide setting) run in this
/// collection, alone, so no other test changes the level underneath them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NNKernelsCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "NN kernels across SIMD levels";

    /// <summary>Every level the tests force: the scalar reference path and both vector widths.</summary>
    public static readonly Descent.Kernels.SimdLevel[] Levels =
        [Descent.Kernels.SimdLevel.Scalar, Descent.Kernels.SimdLevel.Vector256, Descent.Kernels.SimdLevel.Vector512];
}
