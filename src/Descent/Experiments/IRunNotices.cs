using Descent.Training;

namespace Descent.Experiments;

/// <summary>
/// Receives what a run tells its user before training starts (e.g. which task a CSV target was read as and why). A
/// callback given to <see cref="ExperimentRunner"/> that also implements this interface gets the notices.
/// </summary>
public interface IRunNotices : ICallback
{
    /// <summary>One line for the user.</summary>
    void Notice(string message);
}
