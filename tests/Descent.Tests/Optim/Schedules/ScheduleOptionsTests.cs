using System.Reflection;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;

namespace Descent.Tests.Optim.Schedules;

/// <summary>A user's schedule: the rate holds at lr₀·factor for <see cref="Steps"/> steps, then returns to lr₀.</summary>
public sealed record HoldOptions : LrScheduleOptions
{
    private static readonly HyperparameterSet Declared = new(
        Hyperparameter.NullableInteger<HoldOptions>("steps", o => o.Steps, (o, v) => o.Steps = v, ValueRange.PositiveInteger, required: true),
        Hyperparameter.Number<HoldOptions>("factor", o => o.Factor, (o, v) => o.Factor = v, ValueRange.ClosedUnit));

    public override string ScheduleName => "Hold";

    public override HyperparameterSet Hyperparameters => Declared;

    public int? Steps { get; set; }

    public double Factor { get; set; } = 0.5;

    // ConstantLR is this schedule; a user's would be its own ILrSchedule.
    protected override ILrSchedule Build() => new ConstantLR(Factor, Steps!.Value);
}

/// <summary>Typed schedule options: declared once, read by name, built without an optimizer, registrable.</summary>
public class ScheduleOptionsTests
{
    internal static void RegisterHold() => ScheduleFactory.Register("Hold", () => new HoldOptions());

    [Fact]
    public void EveryScheduleHasOptionsNamedAsTheFactoryNamesIt()
    {
        foreach (var name in ScheduleFactory.Names.Append("ReduceLROnPlateau"))
        {
            var options = ScheduleFactory.DefaultOptions(name);
            Assert.Equal(name, options.ScheduleName);
            Assert.Equal(name, ScheduleFactory.CanonicalName(name.ToUpperInvariant()));
        }
        Assert.Equal("KerasExponentialDecay", ScheduleFactory.CanonicalName("exponentialdecay"));
        Assert.Null(ScheduleFactory.CanonicalName("WarmupLR"));
    }

    /// <summary>
    /// The convenience constructors keep C# defaults for code users; each must equal the options record's default, which
    /// is the declared one. Parameters match properties by name (PyTorch's <c>min_lr</c> is <c>minLrs</c> in code).
    /// </summary>
    [Fact]
    public void ConstructorDefaultsAreTheOptionsDefaults()
    {
        int compared = 0;
        foreach (var type in typeof(ScheduleOptions).Assembly.GetTypes().Where(t => t.Namespace == typeof(ScheduleOptions).Namespace && t.IsClass && !t.IsAbstract))
        {
            var optionsCtor = type.GetConstructors().FirstOrDefault(c => c.GetParameters() is [.., { ParameterType: var p }] && p.IsSubclassOf(typeof(ScheduleOptions)));
            if (optionsCtor is null) continue;
            var optionsType = optionsCtor.GetParameters()[^1].ParameterType;
            var defaults = Activator.CreateInstance(optionsType)!;
            var methods = type.GetConstructors().Cast<MethodBase>().Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Static));
            foreach (var parameter in methods.SelectMany(m => m.GetParameters()).Where(p => p.HasDefaultValue))
            {
                var name = parameter.Name == "minLrs" ? "MinLr" : parameter.Name!;
                var property = optionsType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(property is not null, $"{type.Name}: parameter {parameter.Name} has no property in {optionsType.Name}.");
                Assert.True(Equals(parameter.DefaultValue, property!.GetValue(defaults)),
                    $"{type.Name}({parameter.Name} = {parameter.DefaultValue}) but {optionsType.Name}.{property.Name} = {property.GetValue(defaults)}.");
                compared++;
            }
        }
        Assert.True(compared >= 30, $"only {compared} defaults compared");
    }

    [Fact]
    public void OptionsReadByNameBuildTheSchedule()
    {
        var options = Assert.IsType<StepLROptions>(ScheduleFactory.CreateOptions("StepLR",
            new Dictionary<string, object?> { ["step_size"] = 3.0, ["gamma"] = 0.5 }));
        Assert.Equal((3, 0.5), (options.StepSize, options.Gamma));
        Assert.Equal(["step_size", "gamma"], options.GivenNames);
        var step = Assert.IsType<StepLR>(options.Create());
        Assert.Equal(0.25, step.LearningRate(6, 1.0));
        Assert.Equal(new Dictionary<string, object?> { ["step_size"] = 3.0, ["gamma"] = 0.5 }, options.GivenToDictionary());
    }

    [Fact]
    public void RequiredHyperparametersAreReportedMissingUntilSet()
    {
        var options = new CyclicLROptions { BaseLr = 0.01 };
        Assert.Equal("CyclicLR: missing required hyperparameter 'max_lr'.", Assert.Throws<ArgumentException>(options.Validate).Message);
        options.MaxLr = 0.1;
        Assert.IsType<CyclicLR>(options.Create());
        Assert.Contains("you must define either total_steps or both epochs and steps_per_epoch",
            Assert.Throws<ArgumentException>(() => new OneCycleLROptions { Epochs = 3 }.Create()).Message);
    }

    [Fact]
    public void NestedSchedulesAreReadIntoTheirOwnOptions()
    {
        var options = Assert.IsType<SequentialLROptions>(ScheduleFactory.CreateOptions("SequentialLR", new Dictionary<string, object?>
        {
            ["schedulers"] = new List<object?>
            {
                new Dictionary<string, object?> { ["scheduler"] = "linearlr", ["hyperparams"] = new Dictionary<string, object?> { ["start_factor"] = 0.5, ["total_iters"] = 2.0 } },
                new Dictionary<string, object?> { ["scheduler"] = "ExponentialLR", ["hyperparams"] = new Dictionary<string, object?> { ["gamma"] = 0.5 } },
            },
            ["milestones"] = new List<object?> { 2.0 },
        }));
        Assert.IsType<LinearLROptions>(options.Schedulers![0]);
        var schedule = options.Create();
        Assert.Equal([0.5, 0.75, 1.0, 0.5], Enumerable.Range(0, 4).Select(t => schedule.LearningRate(t, 1.0)));
        var plain = Assert.IsType<List<Dictionary<string, object?>>>(options.ToDictionary()["schedulers"]);
        Assert.Equal("LinearLR", plain[0]["scheduler"]);
        Assert.Equal(["start_factor", "total_iters"], ((IReadOnlyDictionary<string, object?>)plain[0]["hyperparams"]!).Keys);
        var bad = Assert.Throws<ArgumentException>(() => ScheduleFactory.CreateOptions("SequentialLR", new Dictionary<string, object?>
        {
            ["schedulers"] = new List<object?> { new Dictionary<string, object?> { ["scheduler"] = "ExponentialLR" } },
            ["milestones"] = new List<object?> { 2.0 },
        }));
        Assert.Contains("ExponentialLR: missing required hyperparameter 'gamma'", bad.Message);
    }

    [Fact]
    public void ReduceLROnPlateauIsConfiguredWithoutAnOptimizer()
    {
        var options = Assert.IsType<ReduceLROnPlateauOptions>(ScheduleFactory.CreateOptions("ReduceLROnPlateau",
            new Dictionary<string, object?> { ["mode"] = "max", ["patience"] = 0.0, ["min_lr"] = 0.25 }));
        Assert.Equal((PlateauMode.Max, 0, 0.25), (options.Mode, options.Patience, options.MinLr!.Single()));
        Assert.Equal(0.25, options.GivenToDictionary()["min_lr"]);
        var opt = new Sgd([Tensor.Zeros(new Shape(1)).RequiresGradInPlace()], new SgdOptions(1.0));
        var plateau = new ReduceLROnPlateau(opt, options);
        plateau.Step(1.0);
        plateau.Step(0.5);   // worse in max mode, patience 0: reduce by 0.1, not below 0.25
        Assert.Equal(0.25, opt.ParamGroups[0].Lr);
        Assert.Contains("expected 1 or 1 min_lr values, got 2",
            Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, options with { MinLr = [0.1, 0.2] })).Message);
    }

    [Fact]
    public void ARegisteredScheduleIsCreatedByName()
    {
        RegisterHold();
        RegisterHold();
        Assert.Contains("Hold", ScheduleFactory.Names);
        var schedule = ScheduleFactory.Create("hold", new Dictionary<string, object?> { ["steps"] = 2.0, ["factor"] = 0.1 });
        Assert.Equal([0.1, 0.1, 1.0], Enumerable.Range(0, 3).Select(t => schedule.LearningRate(t, 1.0)));
        Assert.Contains("Hold: missing required hyperparameter 'steps'", Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("Hold", null)).Message);
        Assert.Contains("already taken", Assert.Throws<ArgumentException>(() => ScheduleFactory.Register("StepLR", () => new HoldOptions())).Message);
    }
}
