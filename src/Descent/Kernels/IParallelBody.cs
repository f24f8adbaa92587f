namespace Descent.Kernels;

/// <summary>
/// The body of a <see cref="ParallelFor"/> loop. Implemented by structs so that a parallel region allocates
/// nothing (no closure, no delegate): steady-state training must not churn the GC.
/// </summary>
public interface IParallelBody
{
    /// <summary>Runs work item <paramref name="index"/> (0 ≤ index &lt; count).</summary>
    void Invoke(int index);
}
