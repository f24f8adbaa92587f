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
        _ => throw new InvalidDataException($"Unknown fixture module '{module}'."),
    };

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
