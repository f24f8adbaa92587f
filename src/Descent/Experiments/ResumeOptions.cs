namespace Descent.Experiments;

/// <summary>
/// How <see cref="ExperimentRunner.Resume(string, ResumeOptions, IEnumerable{Training.ICallback}?, CancellationToken)"/>
/// treats a run: by default an interrupted run (killed, cancelled or failed) continues and a finished one (completed,
/// stopped early, diverged) is refused, so its files are left alone.
/// </summary>
public sealed record ResumeOptions
{
    /// <summary>
    /// Train to this many epochs in total instead of the configured number (config.yaml is updated); it must be more
    /// than the epochs the checkpoint has done. A finished run is continued when this is set.
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>Resume from last.ckpt even when the run has finished (a diverged run diverges again).</summary>
    public bool Force { get; init; }
}
