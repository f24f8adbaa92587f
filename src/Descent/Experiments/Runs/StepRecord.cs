namespace Descent.Experiments.Runs;

/// <summary>One row of <c>steps.csv</c>.</summary>
/// <param name="Step">Optimizer step, counting from 1 over the whole run.</param>
/// <param name="Epoch">Epoch of the step, counting from 1 (0 when the file has no <c>epoch</c> column).</param>
/// <param name="Loss">Data loss of the batch (before penalties).</param>
/// <param name="Lr">Learning rate used by the step (first parameter group).</param>
/// <param name="GradNorm">Global L2 norm of all gradients before clipping.</param>
public readonly record struct StepRecord(long Step, int Epoch, double Loss, double Lr, double GradNorm);
