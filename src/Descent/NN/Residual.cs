using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// A skip connection around a body of layers: y = activation(body(x) + shortcut(x)), with the identity as the
/// default shortcut (He et al. 2016, "Deep Residual Learning for Image Recognition"). Children are "body", then
/// "shortcut" and "activation" when given, so state-dict names read "3.body.0.weight", "3.shortcut.0.weight".
/// The body's output and the shortcut's must have the same shape; when the body changes channels or resolution,
/// give a projection shortcut (1×1 Conv2d with the body's stride → BatchNorm2d, as torchvision's ResNet).
/// </summary>
public sealed class Residual : Module
{
    /// <summary>Wraps <paramref name="body"/>; <paramref name="shortcut"/> null is the identity, <paramref name="activation"/> null is none.</summary>
    public Residual(Module body, Module? shortcut = null, Module? activation = null)
    {
        Body = RegisterModule("body", body);
        if (shortcut is not null) Shortcut = RegisterModule("shortcut", shortcut);
        if (activation is not null) Activation = RegisterModule("activation", activation);
    }

    /// <summary>The residual branch (usually a <see cref="Sequential"/>).</summary>
    public Module Body { get; private set; }

    /// <summary>The projection applied to the input before the addition, or null for the identity.</summary>
    public Module? Shortcut { get; private set; }

    /// <summary>The activation applied after the addition, or null.</summary>
    public Module? Activation { get; private set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = Body.Call(input);
        var skip = Shortcut is null ? input : Shortcut.Call(input);
        var sum = ResidualAdd.Apply(TypeName, y, skip);
        return Activation is null ? sum : Activation.Call(sum);
    }

    /// <inheritdoc/>
    protected override void OnReplacingChild(string name, Module replacement)
    {
        switch (name)
        {
            case "body": Body = replacement; break;
            case "shortcut": Shortcut = replacement; break;
            default: Activation = replacement; break;
        }
    }
}

/// <summary>The addition of a residual branch and its shortcut, with an error naming both shapes when they differ.</summary>
internal static class ResidualAdd
{
    // Autograd's ordinary add: the input's gradient is the sum of the body's and the shortcut's (fan-out accumulation).
    public static Tensor Apply(string module, Tensor branch, Tensor shortcut)
    {
        if (branch.Shape != shortcut.Shape)
            throw new InvalidOperationException(
                $"{module}: the residual branch's output {branch.Shape} and the shortcut's {shortcut.Shape} must have the same shape " +
                "to be added; use a projection shortcut (1×1 Conv2d with the branch's stride and channels, then BatchNorm2d).");
        return branch + shortcut;
    }
}
