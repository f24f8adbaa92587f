using Descent.Experiments;
using YamlDotNet.RepresentationModel;

namespace Descent.Search.Studies;

/// <summary>
/// A study file for <c>descent tune</c> and <c>descent search</c>: an experiment (the keys of <c>descent train</c>) plus a
/// <c>search:</c> space of hyperparameters and/or (for <c>descent search</c>) a <c>search_space:</c> of architectures, and a
/// <c>study:</c> section. Each trial re-reads the experiment with the file's overrides and the trial's sampled values
/// applied as <c>key=value</c> overrides, so errors keep pointing at the file's lines.
/// </summary>
public sealed class StudyFile
{
    private readonly string _yaml;
    private readonly IReadOnlyList<string> _overrides;

    private StudyFile(string yaml, string file, IReadOnlyList<string> overrides, StudySpec study, IReadOnlyList<SearchParameter> parameters,
        ConfigNode? architectureSpace)
    {
        _yaml = yaml;
        File = file;
        _overrides = overrides;
        Study = study;
        Parameters = parameters;
        SearchSpaceSection = architectureSpace;
    }

    /// <summary>The file name used in messages.</summary>
    public string File { get; }

    /// <summary>The <c>study:</c> section.</summary>
    public StudySpec Study { get; }

    /// <summary>The <c>search:</c> section, in file order (empty when the file has only a <c>search_space:</c>).</summary>
    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>The <c>search_space:</c> section (architectures, read by <c>descent search</c>), or null.</summary>
    public ConfigNode? SearchSpaceSection { get; }

    /// <summary>Reads and parses a study file; <paramref name="overrides"/> are <c>--set key=value</c> assignments.</summary>
    public static StudyFile Load(string path, IEnumerable<string>? overrides = null)
    {
        return Parse(ConfigDocument.ReadFile(path, "Study"), path, overrides);
    }

    /// <summary>Parses study-file text; <paramref name="file"/> names it in messages.</summary>
    public static StudyFile Parse(string yaml, string file, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        var list = overrides?.ToList() ?? [];
        var root = ConfigDocument.Parse(yaml, file, list);
        var architectures = root.Get("search_space");
        // A search_space alone is an architecture search; without one, the hyperparameter space is required.
        var search = architectures is null ? root.Required("search") : root.Get("search");
        IReadOnlyList<SearchParameter> parameters = search is null ? [] : SearchParameter.ParseAll(search);
        var duplicate = parameters.GroupBy(p => p.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw search!.Error($"parameters {string.Join(" and ", duplicate.Select(p => p.Name))} both set '{duplicate.Key}'");
        if (architectures is not null && parameters.FirstOrDefault(p => p.Path == "model" || p.Path.StartsWith("model.", StringComparison.Ordinal)) is { } clash)
            throw search!.Error($"parameter {clash.Name} sets '{clash.Path}', which the search_space decides");
        if (search is not null) SearchSpaceCheck.Check(root, search, parameters);
        var defaultName = root.Get("name")?.Text ?? Path.GetFileNameWithoutExtension(file);
        var study = StudySpec.Parse(root.Get("study"), defaultName);
        if (Descent.Experiments.Runs.RunName.Problem(study.Name) is { } problem)
        {
            // The name becomes <runs>/studies/<name>: refused where it was written, or (taken from the file's name) with the file.
            var at = (root.Get("study") is { IsMapping: true } section ? section.Get("name") : null) ?? root.Get("name");
            throw at?.Error(problem) ?? new ConfigException($"{file}: the study takes its name from the file: {problem}; set study.name");
        }
        return new StudyFile(yaml, file, list, study, parameters, architectures);
    }

    /// <summary>The overrides that apply a trial's sampled <paramref name="values"/> (parameters it did not sample are skipped).</summary>
    public IReadOnlyList<string> OverridesFor(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<string>();
        foreach (var p in Parameters)
            if (values.TryGetValue(p.Name, out var v)) list.Add(p.ToOverride(v));
        return list;
    }

    /// <summary>
    /// The experiment part of the file (everything but <c>study:</c>, <c>search:</c> and <c>search_space:</c>) with the file's overrides and then
    /// <paramref name="trialOverrides"/> applied, ready for the experiment parser.
    /// </summary>
    public ConfigNode Experiment(IEnumerable<string>? trialOverrides = null)
    {
        var root = ConfigDocument.Parse(_yaml, File, _overrides.Concat(trialOverrides ?? []));
        var map = (YamlMappingNode)root.Node;
        map.Children.Remove(new YamlScalarNode("study"));
        map.Children.Remove(new YamlScalarNode("search"));
        map.Children.Remove(new YamlScalarNode("search_space"));
        return new ConfigNode(File, "", map);
    }
}
