namespace Descent.Tensors;

/// <summary>
/// Records that module surgery took a parameter out of its model: when (<see cref="Stamp"/>, a process-wide
/// counter) and how (<see cref="Reason"/>, e.g. "ReplaceSubmodule('features.3') replaced it"). An optimizer
/// remembers <see cref="Now"/> when it takes a parameter and refuses to step once that parameter has been removed
/// later: it would update a tensor the model no longer uses and leave the replacement untouched.
/// </summary>
internal sealed record ParameterRemoval(long Stamp, string Reason)
{
    private static long _clock;

    /// <summary>The stamp of the latest removal (0 before any).</summary>
    public static long Now => Interlocked.Read(ref _clock);

    /// <summary>A removal stamped after every earlier one.</summary>
    public static ParameterRemoval Create(string reason) => new(Interlocked.Increment(ref _clock), reason);
}
