using System.Globalization;
using System.Text;

namespace Descent.Search.Architecture;

/// <summary>
/// One block of a searched architecture, the unit its decisions are about: a fully connected block (<c>linear</c>: width,
/// normalization, activation, dropout, an optional skip connection around it), a convolution block (<c>conv2d</c>:
/// channels, kernel, normalization, activation, pooling, dropout) or a basic residual block (<c>residual</c>: two
/// convolutions with normalization, He et al. 2016, then pooling and dropout). It writes itself as entries of an
/// experiment's <c>model.layers</c> list, which the experiment parser checks and builds like any other.
/// </summary>
public sealed record ArchitectureBlock
{
    /// <summary>The block kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["linear", "conv2d", "residual"];

    /// <summary>linear, conv2d or residual.</summary>
    public required string Kind { get; init; }

    /// <summary>Output features (linear) or channels (conv2d, residual).</summary>
    public required int Width { get; init; }

    /// <summary>Convolution kernel size (odd sizes keep the image size with padding kernel/2).</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Activation layer name (relu, gelu, tanh, …) or "none".</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>"batchnorm" or "none".</summary>
    public string Norm { get; init; } = "none";

    /// <summary>"max", "avg" (2×2 pooling after a convolution block) or "none".</summary>
    public string Pool { get; init; } = "none";

    /// <summary>Dropout probability after the block (0: none).</summary>
    public double Dropout { get; init; }

    /// <summary>A skip connection around a linear block (a residual entry with an automatic shortcut).</summary>
    public bool Skip { get; init; }

    /// <summary>Whether the block works on images (conv2d, residual).</summary>
    public bool IsConvolutional => Kind != "linear";

    /// <summary>The block's entries of a <c>model.layers</c> list, as YAML flow text.</summary>
    public IReadOnlyList<string> Layers()
    {
        var layers = new List<string>();
        string norm = IsConvolutional ? "batchnorm2d" : "batchnorm1d";
        switch (Kind)
        {
            case "conv2d":
                layers.Add(Conv(bias: Norm == "none"));
                if (Norm == "batchnorm") layers.Add(norm);
                if (Activation != "none") layers.Add(Activation);
                break;
            case "residual":
            {
                // The basic block: conv-bn-act-conv-bn, added to the (projected when needed) input, then the activation.
                var body = new List<string> { Conv(bias: Norm == "none") };
                if (Norm == "batchnorm") body.Add(norm);
                if (Activation != "none") body.Add(Activation);
                body.Add(Conv(bias: Norm == "none"));
                if (Norm == "batchnorm") body.Add(norm);
                string after = Activation == "none" ? "" : $", activation: {Activation}";
                layers.Add($"{{residual: {{shortcut: auto{after}, layers: [{string.Join(", ", body)}]}}}}");
                break;
            }
            default:
            {
                var body = new List<string> { $"{{linear: {{out: {Width}}}}}" };
                if (Norm == "batchnorm") body.Add(norm);
                if (Activation != "none") body.Add(Activation);
                if (Skip) layers.Add($"{{residual: {{shortcut: auto, layers: [{string.Join(", ", body)}]}}}}");
                else layers.AddRange(body);
                break;
            }
        }
        if (IsConvolutional && Pool != "none") layers.Add($"{{{Pool}pool2d: 2}}");
        if (Dropout > 0) layers.Add(string.Create(CultureInfo.InvariantCulture, $"{{dropout: {Dropout:R}}}"));
        return layers;
    }

    /// <summary>One line for diagrams and keys, e.g. "conv2d 32 3×3 · batchnorm · relu · maxpool · dropout 0.1".</summary>
    public string Describe()
    {
        var sb = new StringBuilder(Kind).Append(' ').Append(Width);
        if (IsConvolutional) sb.Append(CultureInfo.InvariantCulture, $" {Kernel}×{Kernel}");
        if (Norm != "none") sb.Append(" · ").Append(Norm);
        if (Activation != "none") sb.Append(" · ").Append(Activation);
        if (IsConvolutional && Pool != "none") sb.Append(" · ").Append(Pool).Append("pool");
        if (Dropout > 0) sb.Append(CultureInfo.InvariantCulture, $" · dropout {Dropout:G4}");
        if (Skip) sb.Append(" · skip");
        return sb.ToString();
    }

    private string Conv(bool bias) =>
        $"{{conv2d: {{out: {Width}, kernel: {Kernel}, padding: {Kernel / 2}{(bias ? "" : ", bias: false")}}}}}";
}
