using Descent.NN;
using Descent.Tensors;
using Descent.Tests.Fixtures;

namespace Descent.Tests.NN;

/// <summary>
/// What a fixture case runs: an optional module (whose parameters and buffers the case loads and checks) and a
/// forward function from named inputs to named outputs, using the fixture's names.
/// </summary>
public sealed record FixtureSubject(Module? Module, Func<IReadOnlyDictionary<string, Tensor>, Dictionary<string, Tensor>> Run)
{
    /// <summary>A single-tensor module: input → output.</summary>
    public static FixtureSubject Single(Module m) =>
        new(m, x => new() { ["output"] = m.Call(x["input"]) });

    /// <summary>Builds the subject of <paramref name="c"/> in <paramref name="dtype"/>; unknown modules or options throw.</summary>
    public static FixtureSubject Build(ModuleCase c, DType dtype)
    {
        var cfg = new FixtureConfig(c.Config, c.Module);
        var subject = FixtureModules.Create(c.Module, cfg, dtype);
        cfg.EnsureAllUsed();
        return subject;
    }
}
