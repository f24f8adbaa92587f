using System.Collections;

namespace Descent.Optim.Schedules;

/// <summary>Options of <see cref="SequentialLR"/>: the parts' options and the milestones (both required).</summary>
public sealed record SequentialLROptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        ScheduleListType.Declare<SequentialLROptions>(o => o.Schedulers, (o, v) => o.Schedulers = v),
        Hyperparameter.Integers<SequentialLROptions>("milestones", o => o.Milestones, (o, v) => o.Milestones = v, required: true));

    /// <inheritdoc/>
    public override string ScheduleName => "SequentialLR";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>The parts in order (required).</summary>
    public IReadOnlyList<LrScheduleOptions>? Schedulers { get; set; }

    /// <summary>Steps at which the next part takes over: one fewer than the parts, positive and increasing (required).</summary>
    public IReadOnlyList<int>? Milestones { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        SequentialLR.CheckMilestones(Schedulers!.Count, Milestones!);
    }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new SequentialLR(Schedulers!.Select(s => s.Create()), Milestones!);
}

/// <summary>Options of <see cref="ChainedScheduler"/>: the parts' options (required).</summary>
public sealed record ChainedSchedulerOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        ScheduleListType.Declare<ChainedSchedulerOptions>(o => o.Schedulers, (o, v) => o.Schedulers = v));

    /// <inheritdoc/>
    public override string ScheduleName => "ChainedScheduler";

    /// <inheritdoc/>
    public override HyperparameterSet Hyperparameters => Declared;

    /// <summary>The parts in order of application (required).</summary>
    public IReadOnlyList<LrScheduleOptions>? Schedulers { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ChainedScheduler.CheckCount(Schedulers!.Count);
    }

    /// <inheritdoc/>
    protected override ILrSchedule Build() => new ChainedScheduler(Schedulers!.Select(s => s.Create()));
}

/// <summary>
/// The <c>schedulers</c> key of SequentialLR and ChainedScheduler: a list of <c>{"scheduler": name, "hyperparams": {…}}</c>
/// objects (the fixtures' form), read into each part's options through <see cref="ScheduleFactory"/>.
/// </summary>
internal sealed class ScheduleListType : HyperparameterType<IReadOnlyList<LrScheduleOptions>?>
{
    private const string Item = "{\"scheduler\", \"hyperparams\"} object";

    public static Hyperparameter<TOwner, IReadOnlyList<LrScheduleOptions>?> Declare<TOwner>(
        Func<TOwner, IReadOnlyList<LrScheduleOptions>?> get, Action<TOwner, IReadOnlyList<LrScheduleOptions>?> set)
        where TOwner : HyperparameterOptions => new("schedulers", get, set, new ScheduleListType());

    public override HyperparameterKind Kind => HyperparameterKind.Composite;

    public override string Description => $"a list of {Item}s";

    public override IReadOnlyList<LrScheduleOptions>? Parse(string owner, string key, object? value)
    {
        if (value is null) return null;
        if (value is not IEnumerable items || value is string)
            throw new ArgumentException($"{owner}: {key} must be {Description}, got {OptionValues.Describe(value)}.", key);
        var list = new List<LrScheduleOptions>();
        foreach (var item in items)
        {
            if (item is not IReadOnlyDictionary<string, object?> spec)
                throw new ArgumentException($"{owner}: {key} must be a {Item}, got {OptionValues.Describe(item)}.", key);
            foreach (var entry in spec.Keys)
                if (entry is not ("scheduler" or "hyperparams"))
                    throw new ArgumentException($"{key}: unknown hyperparameter '{entry}' (known: scheduler, hyperparams).", key);
            var name = spec.GetValueOrDefault("scheduler") is { } n ? OptionValues.ToText(owner, $"{key}.scheduler", n) : "";
            var hyperparams = spec.GetValueOrDefault("hyperparams");
            if (hyperparams is not null and not IReadOnlyDictionary<string, object?>)
                throw new ArgumentException($"{owner}: {key}.hyperparams must be a mapping, got {OptionValues.Describe(hyperparams)}.", key);
            list.Add(ScheduleFactory.CreateOptions(name, (IReadOnlyDictionary<string, object?>?)hyperparams) as LrScheduleOptions
                ?? throw new ArgumentException($"{owner}: {name} depends on a metric and cannot be part of {owner}.", key));
        }
        return list;
    }

    public override IReadOnlyList<LrScheduleOptions>? Check(string owner, string key, IReadOnlyList<LrScheduleOptions>? value)
    {
        if (value is not null)
            foreach (var part in value) part.Validate();
        return value;
    }

    public override bool IsMissing(IReadOnlyList<LrScheduleOptions>? value) => value is null;

    // The parts as the fixtures write them, with the hyperparameters each part was given.
    public override object? ToPlain(IReadOnlyList<LrScheduleOptions>? value) => value?.Select(part =>
        new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["scheduler"] = part.ScheduleName,
            ["hyperparams"] = part.GivenToDictionary(),
        }).ToList();
}
