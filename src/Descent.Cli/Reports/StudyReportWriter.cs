using System.Text;
using Descent.Cli.Studies;
using Descent.Reports.Studies;
using Descent.Search.Architecture;
using Descent.Serialization;
using Descent.Tuning;
using static Descent.Cli.Studies.StudyText;

namespace Descent.Cli.Reports;

/// <summary>
/// Converts a stored <see cref="Study"/> into a <see cref="StudyReportModel"/> (parameter importance by fANOVA,
/// Pareto membership by <see cref="ParetoFront"/>) and writes the HTML report atomically.
/// </summary>
public static class StudyReportWriter
{
    /// <summary>Study system attribute holding objective names (Optuna's <c>study.set_metric_names</c> convention).</summary>
    public const string MetricNamesAttr = StudyText.MetricNamesAttr;

    /// <summary>Renders study <paramref name="studyName"/> of storage <paramref name="storageUrl"/> into <paramref name="output"/>
    /// (default: <c>study-&lt;name&gt;.html</c> in the working directory); returns the path written.</summary>
    /// <exception cref="UserErrorException">Bad storage URL or unknown study.</exception>
    public static string Write(string storageUrl, string? studyName, string? output = null)
    {
        var storage = StudyOpener.OpenStorage(storageUrl);
        try
        {
            var study = StudyOpener.Load(storage, studyName);
            return Write(study, output ?? DefaultFileName(study.Name));
        }
        finally
        {
            StudyOpener.Close(storage);
        }
    }

    /// <summary>
    /// Renders an open <paramref name="study"/> (any storage, in-memory included: what <c>descent tune</c> has at
    /// the end of a run) into <paramref name="output"/> atomically; returns <paramref name="output"/>.
    /// </summary>
    public static string Write(Study study, string output)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentException.ThrowIfNullOrEmpty(output);
        var html = StudyReport.Render(BuildModel(study));
        AtomicFile.WriteAllBytes(output, Encoding.UTF8.GetBytes(html));
        return output;
    }

    /// <summary>The default report file name for a study: <c>study-&lt;name&gt;.html</c> with unsafe characters replaced.</summary>
    public static string DefaultFileName(string studyName)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(studyName.Select(c => invalid.Contains(c) || c is '<' or '>' or ':' or '"' or '\\' or '|' or '?' or '*' ? '_' : c).ToArray());
        return $"study-{(safe.Length == 0 ? "unnamed" : safe)}.html";
    }

    /// <summary>The report model of <paramref name="study"/>.</summary>
    public static StudyReportModel BuildModel(Study study)
    {
        var trials = study.Trials;
        var directions = study.Directions;
        var names = ObjectiveNames(study);
        var objectives = directions.Select((d, i) => new StudyObjective(names[i], d == StudyDirection.Minimize)).ToList();

        // Parameters in order of first appearance; the first distribution seen decides log scale and choices.
        var parameters = new List<StudyParameter>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in trials)
            foreach (var (name, dist) in t.Distributions)
                if (seen.Add(name)) parameters.Add(ToParameter(name, dist));

        var best = new HashSet<int>(study.BestTrials.Select(t => t.Number));
        var rows = trials.Select(t => new StudyTrial(t.Number, t.State.ToString(), t.Values, t.InternalParams)
        {
            ParamText = t.Params.ToDictionary(kv => kv.Key, kv => ValueText(kv.Value), StringComparer.Ordinal),
            Intermediate = Intermediate(t),
            DurationSeconds = t.Duration?.TotalSeconds,
            Best = best.Contains(t.Number),
        }).ToList();

        var (importance, note) = Importance(study, trials);
        return new StudyReportModel
        {
            StudyName = study.Name,
            Objectives = objectives,
            Parameters = parameters,
            Trials = rows,
            Importance = importance,
            ImportanceNote = note,
            Overview = study.UserAttrs.Select(kv => ("user attr " + kv.Key, ValueText(kv.Value))).ToList(),
            Architectures = Architectures(trials),
        };
    }

    // The candidates of descent search: trials whose user attributes hold a diagram.
    private static List<StudyArchitecture> Architectures(IReadOnlyList<FrozenTrial> trials)
    {
        var list = new List<StudyArchitecture>();
        foreach (var t in trials)
        {
            if (!t.UserAttrs.TryGetValue(ArchitectureSearchRunner.DiagramAttr, out var d) || d is not IReadOnlyList<object?> lines) continue;
            long? Count(string key) => t.UserAttrs.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
            var parents = t.SystemAttrs.TryGetValue(ArchitectureSampler.ParentsKey, out var p) && p is IReadOnlyList<object?> numbers
                ? numbers.Select(n => Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture)).ToList()
                : [];
            list.Add(new StudyArchitecture(t.Number, [.. lines.Select(l => l?.ToString() ?? "")], Count("parameters"), Count("macs"), parents,
                t.SystemAttrs.TryGetValue(ArchitectureSampler.MutationKey, out var m) ? m as string : null));
        }
        return list;
    }

    private static StudyParameter ToParameter(string name, Distribution d) => d switch
    {
        FloatDistribution f => new StudyParameter(name, f.Log),
        IntDistribution i => new StudyParameter(name, i.Log),
        CategoricalDistribution c => new StudyParameter(name, Choices: c.Choices.Select(ValueText).ToList()),
        _ => new StudyParameter(name),
    };

    private static List<(double, double)> Intermediate(FrozenTrial t)
    {
        if (t.IntermediateValues.Count > 0) return t.IntermediateValues.Select(kv => ((double)kv.Key, kv.Value)).ToList();
        // Multi-objective studies report vectors; the chart follows the first objective.
        return t.IntermediateVectors.Where(kv => kv.Value.Count > 0).Select(kv => ((double)kv.Key, kv.Value[0])).ToList();
    }

    private static (List<(string, double)> Values, string Note) Importance(Study study, IReadOnlyList<FrozenTrial> trials)
    {
        int complete = trials.Count(t => t.State == TrialState.Complete);
        if (complete < 2) return ([], "Parameter importance needs at least two complete trials.");
        try
        {
            var evaluator = new FanovaImportanceEvaluator(seed: 0);
            var result = study.IsMultiObjective
                ? evaluator.Evaluate(study, target: t => t.Values![0])
                : evaluator.Evaluate(study);
            return (result.Select(kv => (kv.Key, kv.Value)).ToList(),
                $"fANOVA (random forest, 64 trees, seed 0) over {complete} complete trials; importances sum to 1.");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return ([], "Parameter importance unavailable: " + CliErrors.OneLine(e));
        }
    }
}
