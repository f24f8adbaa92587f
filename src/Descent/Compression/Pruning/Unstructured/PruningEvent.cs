namespace Descent.Compression.Pruning.Unstructured;

/// <summary>One pruning event of a training run: the step and the sparsity of the pruned weights after it.</summary>
/// <param name="Step">The global step (optimizer steps done before it).</param>
/// <param name="Sparsity">The fraction of the weights masked after pruning.</param>
public sealed record PruningEvent(long Step, double Sparsity);
