using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// Inverted dropout (PyTorch's <c>nn.Dropout</c>): in training each element is zeroed with probability p and the
/// rest scaled by 1/(1 − p); the identity in evaluation. The mask is drawn from <see cref="Generator"/>.
/// </summary>
public sealed class Dropout : Module
{
    /// <summary>Creates the layer.</summary>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1].");
        P = p;
        Generator = generator;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Random source of the masks (null: <see cref="Tensors.Generator.Default"/>).</summary>
    public Generator? Generator { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Dropout(input, P, Training, Generator);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={Repr.Float(P)}, inplace=False";
}
