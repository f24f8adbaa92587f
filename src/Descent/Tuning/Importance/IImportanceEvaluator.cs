namespace Descent.Tuning;

/// <summary>
/// Estimates how much each parameter matters to the objective from a study's complete trials (Optuna's
/// <c>BaseImportanceEvaluator</c>). Implementations return non-negative importances that sum to 1,
/// enumerated from the most to the least important.
/// </summary>
public interface IImportanceEvaluator
{
    /// <summary>
    /// Importances of <paramref name="parameters"/> (default: the parameters every complete trial shares).
    /// <paramref name="target"/> maps a trial to the value analysed (default: its single objective value;
    /// required for multi-objective studies).
    /// </summary>
    /// <exception cref="ArgumentException">A multi-objective study without a target, or a parameter whose range changed between trials.</exception>
    /// <exception cref="InvalidOperationException">The study has no complete trial with the parameters.</exception>
    IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null);
}

/// <summary>Entry point mirroring Optuna's <c>optuna.importance.get_param_importances</c>.</summary>
public static class ParameterImportance
{
    /// <summary>Parameter importances by <paramref name="evaluator"/> (default: <see cref="FanovaImportanceEvaluator"/> with seed 0), summing to 1.</summary>
    public static IReadOnlyDictionary<string, double> Get(Study study, IImportanceEvaluator? evaluator = null, IReadOnlyList<string>? parameters = null,
        Func<FrozenTrial, double>? target = null) =>
        (evaluator ?? new FanovaImportanceEvaluator(seed: 0)).Evaluate(study, parameters, target);
}
