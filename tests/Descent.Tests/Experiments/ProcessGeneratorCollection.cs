namespace Descent.Tests.Experiments;

/// <summary>
/// In-process runs whose checkpoints are compared byte for byte with another run's: a training checkpoint records the
/// process-wide <c>Generator.Default</c> state (PyTorch's checkpoints record the global RNG too), so a test drawing from
/// it in parallel would make two otherwise identical runs' files differ. These classes run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessGeneratorCollection
{
    public const string Name = "ProcessGenerator";
}
