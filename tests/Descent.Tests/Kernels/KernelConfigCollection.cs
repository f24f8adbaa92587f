namespace Descent.Tests.Kernels;

/// <summary>
/// Tests that force a SIMD level (KernelConfig.Force is process-wide) or change other process-wide state run in this
/// collection, alone: otherwise a determinism test running in parallel could see a different kernel path. A test's
/// own thread count needs no collection: ParallelFor.OverrideThreads holds only on the calling thread.
/// </summary>
[CollectionDefinition("KernelConfig", DisableParallelization = true)]
public sealed class KernelConfigCollection;
