using Descent.Optim;

namespace Descent.Tests.Optim;

/// <summary>
/// The options record of a user's optimizer, declared outside the library the way the built-in records are: each
/// hyperparameter once. Its properties are plain (no setter checks), so <see cref="HyperparameterOptions.Validate"/>
/// is what catches bad values assigned in code.
/// </summary>
public sealed record SignumOptions : OptimizerOptions
{
    private static readonly Hyperparameter<SignumOptions, double> Beta1Hyperparameter =
        Hyperparameter.Number<SignumOptions>("beta1", o => o.Beta1, (o, v) => o.Beta1 = v, ValueRange.HalfOpenUnit);

    private static readonly Hyperparameter<SignumOptions, double> Beta2Hyperparameter =
        Hyperparameter.Number<SignumOptions>("beta2", o => o.Beta2, (o, v) => o.Beta2 = v, ValueRange.HalfOpenUnit);

    private static readonly HyperparameterSet Declared = new(
        LrHyperparameter,
        Hyperparameter.Pair("betas", Beta1Hyperparameter, Beta2Hyperparameter),
        WeightDecayHyperparameter,
        Hyperparameter.Choice<SignumOptions, string>("sign", o => o.Sign, (o, v) => o.Sign = v, ("plain", "plain"), ("stochastic", "stochastic")),
        Hyperparameter.NullableInteger<SignumOptions>("warmup", o => o.Warmup, (o, v) => o.Warmup = v, ValueRange.PositiveInteger),
        Hyperparameter.Flag<SignumOptions>("maximize", o => o.Maximize, (o, v) => o.Maximize = v));

    /// <summary>Creates the options (lr 1e-4 as Lion's authors recommend for sign updates).</summary>
    public SignumOptions(double lr = 1e-4, double weightDecay = 0) : base(lr, weightDecay)
    {
    }

    public override string OptimizerName => "Signum";

    public override HyperparameterSet Hyperparameters => Declared;

    public double Beta1 { get; set; } = 0.9;

    public double Beta2 { get; set; } = 0.99;

    public string Sign { get; set; } = "plain";

    public int? Warmup { get; set; }

    public bool Maximize { get; set; }
}

/// <summary>The declaration API: one list per record gives reading, writing, validation and printing.</summary>
public class HyperparameterTests
{
    [Fact]
    public void AUserRecordIsWrittenInDeclarationOrderAsPlainData()
    {
        var o = new SignumOptions(0.01) { Beta2 = 0.95, Warmup = 3 };
        var d = o.ToDictionary();
        Assert.Equal(["lr", "betas", "weight_decay", "sign", "warmup", "maximize"], d.Keys);
        Assert.Equal(0.01, d["lr"]);
        Assert.Equal(new[] { 0.9, 0.95 }, Assert.IsType<double[]>(d["betas"]));
        Assert.Equal("plain", d["sign"]);
        Assert.Equal(3.0, d["warmup"]);
        Assert.Equal(false, d["maximize"]);
        Assert.Equal(["lr", "betas", "weight_decay", "sign", "warmup", "maximize"], o.Names);
    }

    [Fact]
    public void SetConvertsLooseValuesAndRoundTripsThroughTheDictionary()
    {
        var o = new SignumOptions();
        o.Set("lr", "0.5");
        o.Set("betas", new List<object?> { 0.8, 0.7 });
        o.Set("sign", "stochastic");
        o.Set("warmup", 4.0);
        o.Set("maximize", "true");
        Assert.Equal((0.5, 0.8, 0.7, "stochastic", 4, true), (o.Lr, o.Beta1, o.Beta2, o.Sign, o.Warmup, o.Maximize));
        Assert.Equal(["lr", "betas", "sign", "warmup", "maximize"], o.GivenNames);

        var copy = new SignumOptions();
        foreach (var (key, value) in o.ToDictionary()) copy.Set(key, value);
        Assert.Equal(o, copy);
        o.Set("warmup", null);
        Assert.Null(o.Warmup);
    }

    [Theory]
    [InlineData("betas", 0.9, "Signum: betas must be a list of numbers, got 0.9 (Double).")]
    [InlineData("betas", "[1]", "Signum: betas must be a list of numbers, got \"[1]\".")]
    [InlineData("sign", "random", "Signum: sign must be \"plain\" or \"stochastic\", got \"random\".")]
    [InlineData("warmup", 2.5, "Signum: warmup must be an integer, got 2.5 (Double).")]
    [InlineData("warmup", 0.0, "Signum: warmup must be a positive integer, got 0.")]
    [InlineData("maximize", "maybe", "Signum: maximize must be true or false, got \"maybe\".")]
    [InlineData("momentum", 0.9, "Signum: unknown hyperparameter 'momentum' (known: lr, betas, weight_decay, sign, warmup, maximize).")]
    public void SetNamesTheOwnerTheKeyAndWhatIsAllowed(string key, object value, string message)
    {
        var o = new SignumOptions();
        var e = Assert.ThrowsAny<ArgumentException>(() => o.Set(key, value));
        Assert.Equal(message, e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal).Split('\n')[0]);
        Assert.Equal(new SignumOptions(), o);
    }

    [Fact]
    public void APairIsCheckedWholeBeforeEitherComponentIsStored()
    {
        var o = new SignumOptions();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => o.Set("betas", new[] { 0.5, 1.0 }));
        Assert.StartsWith("Signum: beta2 must be in [0, 1), got 1.", e.Message);
        Assert.Equal((0.9, 0.99), (o.Beta1, o.Beta2));
        Assert.Contains("must hold two numbers, got 3", Assert.Throws<ArgumentException>(() => o.Set("betas", new[] { 0.1, 0.2, 0.3 })).Message);
    }

    [Fact]
    public void ValidateChecksValuesAssignedInCode()
    {
        var o = new SignumOptions { Beta1 = 1.5 };
        Assert.Contains("Signum: beta1 must be in [0, 1), got 1.5", Assert.Throws<ArgumentOutOfRangeException>(o.Validate).Message);
        Assert.Contains("Signum: sign must be \"plain\" or \"stochastic\", got other",
            Assert.Throws<ArgumentException>((o with { Beta1 = 0.5, Sign = "other" }).Validate).Message);
        (o with { Beta1 = 0.5 }).Validate();
    }

    [Fact]
    public void RecordsPrintTheirHyperparametersByKey()
    {
        Assert.Equal("SignumOptions { lr = 0.0001, betas = [0.9, 0.99], weight_decay = 0, sign = plain, warmup = null, maximize = false }",
            new SignumOptions().ToString());
        Assert.Equal("AdamOptions { lr = 0.001, betas = [0.9, 0.999], eps = 1E-08, weight_decay = 0, amsgrad = false, maximize = false }",
            new AdamOptions().ToString());
    }

    [Fact]
    public void EqualityIgnoresWhichKeysWereGiven()
    {
        var given = new SignumOptions();
        given.Set("lr", 1e-4);
        Assert.Equal(new SignumOptions(), given);
        Assert.Equal(new SignumOptions().GetHashCode(), given.GetHashCode());
        Assert.NotEqual(new SignumOptions(), new SignumOptions { Sign = "stochastic" });
    }

    [Fact]
    public void DeclarationsDescribeTheirValues()
    {
        var set = new SignumOptions().Hyperparameters;
        var betas = set.Find("betas")!;
        Assert.Equal(HyperparameterKind.Composite, betas.Kind);
        Assert.Equal("a pair [beta1, beta2], each a number in [0, 1)", betas.Description);
        Assert.Equal(typeof(SignumOptions), betas.OwnerType);
        var lr = set.Find("lr")!;
        Assert.Equal((HyperparameterKind.Number, ValueRange.NonNegative), (lr.Kind, lr.Range));
        Assert.Equal(["plain", "stochastic"], set.Find("sign")!.Choices);
        Assert.Equal("a positive integer or null", set.Find("warmup")!.Description);
        Assert.True(set.Find("warmup")!.AllowsNull);
        Assert.Equal(HyperparameterKind.Flag, set.Find("maximize")!.Kind);
        Assert.Null(set.Find("momentum"));
    }

    [Fact]
    public void AKeyIsDeclaredOnce()
    {
        var e = Assert.Throws<ArgumentException>(() => new HyperparameterSet(OptimizerOptions.LrHyperparameter, OptimizerOptions.LrHyperparameter));
        Assert.Contains("'lr' is declared twice", e.Message);
    }

    [Fact]
    public void ADeclarationRefusesAnotherRecord()
    {
        var betas = BetasOptions.BetasHyperparameter;
        var e = Assert.Throws<ArgumentException>(() => betas.GetValue(new SgdOptions()));
        Assert.Contains("'betas' belongs to BetasOptions, not to SgdOptions", e.Message);
        Assert.Equal(new[] { 0.9, 0.999 }, betas.GetValue(new AdamWOptions()));
    }

    [Fact]
    public void RangesSayWhatTheyAllow()
    {
        Assert.True(ValueRange.HalfOpenUnit.Contains(0));
        Assert.False(ValueRange.HalfOpenUnit.Contains(1));
        Assert.False(ValueRange.NonNegative.Contains(double.PositiveInfinity));
        Assert.False(ValueRange.Any.Contains(double.NaN));
        Assert.True(ValueRange.Any.Contains(double.NegativeInfinity));
        var r = ValueRange.Interval(-1, 2.5, highIncluded: false);
        Assert.Equal("in [-1, 2.5)", r.Description);
        Assert.Equal("L: x must be in [-1, 2.5), got 2.5.", Assert.Throws<ArgumentOutOfRangeException>(() => r.Check("L", "x", 2.5)).Message.Split(" (Parameter")[0]);
        Assert.Equal(3, ValueRange.PositiveInteger.Check("L", "n", 3));
        Assert.StartsWith("L: n must be a positive integer, got 0.", Assert.Throws<ArgumentOutOfRangeException>(() => ValueRange.PositiveInteger.Check("L", "n", 0)).Message);
    }
}
