namespace Descent.Tuning;

/// <summary>Whether an objective is minimized or maximized (Optuna's <c>StudyDirection</c>).</summary>
public enum StudyDirection
{
    /// <summary>Smaller objective values are better.</summary>
    Minimize,

    /// <summary>Larger objective values are better.</summary>
    Maximize,
}
