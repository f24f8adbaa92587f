using Descent.NN;
using Descent.Tensors;

namespace Descent.Examples.CustomOptimizer;

/// <summary>
/// A residual MLP block y = x + α·fc2(squareplus(fc1(x))) with a learnable scalar α that starts at 0 (ReZero,
/// Bachlechner et al. 2021), so the block begins as the identity. A custom module: child modules and a parameter
/// registered by name, which gives it state dicts, <see cref="Module.Summary"/>, train/eval and checkpoints.
/// </summary>
public sealed class ReZeroBlock : Module
{
    private readonly Squareplus _activation;

    /// <summary>Creates the block over <paramref name="features"/> with a hidden width of <paramref name="hidden"/>.</summary>
    public ReZeroBlock(int features, int hidden, Generator? generator = null, double squareplusB = 4)
    {
        Fc1 = RegisterModule("fc1", new Linear(features, hidden, generator: generator));
        Fc2 = RegisterModule("fc2", new Linear(hidden, features, generator: generator));
        Alpha = RegisterParameter("alpha", Tensor.Zeros(1));
        _activation = new Squareplus(squareplusB);
    }

    /// <summary>The expanding layer.</summary>
    public Linear Fc1 { get; }

    /// <summary>The projecting layer.</summary>
    public Linear Fc2 { get; }

    /// <summary>The residual branch's scale α (shape [1], initially 0).</summary>
    public Tensor Alpha { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input + Alpha * Fc2.Call(_activation.Apply(Fc1.Call(input)));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"features={Fc1.InFeatures}, hidden={Fc1.OutFeatures}, squareplus_b={_activation.B}");
}
