using Descent.NN;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.NN;

/// <summary>Maps a fixture's torch class name and config to the Descent module or loss.</summary>
public static class FixtureModules
{
    /// <summary>Creates the subject; every config key must be consumed (checked by the caller).</summary>
    public static FixtureSubject Create(string module, FixtureConfig cfg, DType dtype) => module switch
    {
        "ReLU" => FixtureSubject.Single(new ReLU()),
        "LeakyReLU" => FixtureSubject.Single(new LeakyReLU(cfg.Double("negative_slope", 0.01))),
        "PReLU" => FixtureSubject.Single(new PReLU(cfg.Int("num_parameters", 1), PreluInit(cfg), dtype)),
        "ELU" => FixtureSubject.Single(new ELU(cfg.Double("alpha", 1.0))),
        "SELU" => FixtureSubject.Single(Selu(cfg)),
        "SiLU" => FixtureSubject.Single(new SiLU()),
        "Swish" => FixtureSubject.Single(new Swish(cfg.Double("beta", 1.0), dtype: dtype)),
        "Hardswish" => FixtureSubject.Single(new Hardswish()),
        "Flatten" => FixtureSubject.Single(new Flatten(cfg.Int("start_dim", 1), cfg.Int("end_dim", -1))),
        "Identity" => FixtureSubject.Single(new Identity()),
        "BatchNorm1d" => FixtureSubject.Single(new BatchNorm1d(cfg.Int("num_features"), cfg.Double("eps", 1e-5),
            Momentum(cfg), cfg.Bool("affine", true), cfg.Bool("track_running_stats", true), dtype)),
        "BatchNorm2d" => FixtureSubject.Single(new BatchNorm2d(cfg.Int("num_features"), cfg.Double("eps", 1e-5),
            Momentum(cfg), cfg.Bool("affine", true), cfg.Bool("track_running_stats", true), dtype)),
        "LayerNorm" => FixtureSubject.Single(new LayerNorm(cfg.Ints("normalized_shape"), cfg.Double("eps", 1e-5),
            cfg.Bool("elementwise_affine", true), dtype)),
        "MSELoss" => LossSubject(new MSELoss(Reduce(cfg))),
        "L1Loss" => LossSubject(new L1Loss(Reduce(cfg))),
        "SmoothL1Loss" => LossSubject(new SmoothL1Loss(Reduce(cfg), cfg.Double("beta", 1.0))),
        "HuberLoss" => LossSubject(new HuberLoss(Reduce(cfg), cfg.Double("delta", 1.0))),
        "BCELoss" => Bce(cfg, dtype),
        "BCEWithLogitsLoss" => LossSubject(new BCEWithLogitsLoss(cfg.Tensor("weight", dtype), Reduce(cfg), cfg.Tensor("pos_weight", dtype))),
        "NLLLoss" => LossSubject(new NLLLoss(cfg.Tensor("weight", dtype), ClassIndices(cfg, "NLLLoss"), Reduce(cfg))),
        "KLDivLoss" => LossSubject(new KLDivLoss(Reduce(cfg), cfg.Bool("log_target", false))),
        _ => throw new InvalidDataException($"Unknown fixture module '{module}'."),
    };

    private static FixtureSubject LossSubject(Loss loss) =>
        new(null, x => new() { ["loss"] = loss.Call(x["input"], x["target"]) });

    private static Reduction Reduce(FixtureConfig cfg) => ReductionExtensions.Parse(cfg.String("reduction", "mean"));

    private static FixtureSubject Bce(FixtureConfig cfg, DType dtype)
    {
        // The generator records pos_weight: null for BCELoss, which has no such option.
        if (cfg.Raw("pos_weight") is not null) throw new InvalidDataException("BCELoss has no pos_weight option.");
        return LossSubject(new BCELoss(cfg.Tensor("weight", dtype), Reduce(cfg)));
    }

    /// <summary>Reads ignore_index and checks target_type is class indices (NLL has no probability targets).</summary>
    private static long ClassIndices(FixtureConfig cfg, string module)
    {
        var type = cfg.String("target_type", "class_indices");
        if (type != "class_indices") throw new InvalidDataException($"{module}: target_type '{type}' is not supported.");
        return cfg.Int("ignore_index", -100);
    }

    private static double PreluInit(FixtureConfig cfg)
    {
        // "random" means the generator drew the slopes; they arrive in params, so any start value works.
        var v = cfg.Raw("init");
        return v is { ValueKind: System.Text.Json.JsonValueKind.Number } n ? n.GetDouble() : 0.25;
    }

    private static SELU Selu(FixtureConfig cfg)
    {
        // nn.SELU has fixed constants; the fixture records them, so check they are the ones implemented.
        double alpha = cfg.Double("alpha", Functional.SeluAlpha), scale = cfg.Double("scale", Functional.SeluScale);
        if (Math.Abs(alpha - Functional.SeluAlpha) > 1e-15 || Math.Abs(scale - Functional.SeluScale) > 1e-15)
            throw new InvalidDataException($"SELU: constants alpha={alpha}, scale={scale} differ from the implemented ones.");
        return new SELU();
    }

    // momentum: null in torch means a cumulative moving average; absent means the default 0.1.
    private static double? Momentum(FixtureConfig cfg) => cfg.Has("momentum") ? cfg.Double("momentum") : cfg.Present("momentum") ? null : 0.1;
}
