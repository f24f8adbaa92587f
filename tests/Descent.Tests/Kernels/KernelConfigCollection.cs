namespace Descent.Tests.Kernels;

/// <summary>
/// Tests that force a SIMD level (KernelConfig.Force is process-wide) or change ParallelFor.Threads run in this
/// collection, alone: otherwise a determinism test running in parallel could see a different kernel path.
/// </summary>
[CollectionDefinition("KernelConfig", DisableParallelization = true)]
public sealed class KernelConfigCollection;
