
namespace Descent.Experiments;

/// <summary>One option of a layer type: its name, default (null: required) and whether it is a boolean.</summary>
internal sealed record LayerOption(string Name, double? Default, bool IsBool = false, double Min = 0, double Max = double.MaxValue);

/// <summary>A layer type of <c>model.layers</c>: its options and the one a bare value sets (<c>- dropout: 0.2</c>).</summary>
internal sealed record LayerType(string Name, string? Primary, params LayerOption[] Options);

/// <summary>The layer types an experiment's <c>model.layers</c> list may use, with their options and PyTorch's defaults.</summary>
internal static class LayerCatalog
{
    private static readonly LayerOption Bias = new("bias", 1, IsBool: true);

    public static IReadOnlyDictionary<string, LayerType> Types { get; } = new LayerType[]
    {
        // linear without 'out' produces the model's outputs (the class count or the target width).
        new("linear", "out", new LayerOption("out", double.NaN, Min: 1), Bias),
        new("conv2d", null, new LayerOption("out", null, Min: 1), new LayerOption("kernel", null, Min: 1),
            new LayerOption("stride", 1, Min: 1), new LayerOption("padding", 0), Bias),
        new("maxpool2d", "kernel", new LayerOption("kernel", null, Min: 1), new LayerOption("stride", double.NaN, Min: 1), new LayerOption("padding", 0)),
        new("avgpool2d", "kernel", new LayerOption("kernel", null, Min: 1), new LayerOption("stride", double.NaN, Min: 1), new LayerOption("padding", 0)),
        new("flatten", null),
        new("relu", null),
        new("leaky_relu", "negative_slope", new LayerOption("negative_slope", 0.01, Min: double.MinValue)),
        new("elu", "alpha", new LayerOption("alpha", 1.0)),
        new("gelu", null),
        new("silu", null),
        new("tanh", null),
        new("sigmoid", null),
        new("batchnorm1d", null, new LayerOption("eps", 1e-5, Min: double.Epsilon), new LayerOption("momentum", 0.1, Max: 1)),
        new("batchnorm2d", null, new LayerOption("eps", 1e-5, Min: double.Epsilon), new LayerOption("momentum", 0.1, Max: 1)),
        new("layernorm", null, new LayerOption("eps", 1e-5, Min: double.Epsilon)),
        new("dropout", "p", new LayerOption("p", 0.5, Max: 1)),
        new("adaptiveavgpool2d", "output_size", new LayerOption("output_size", 1, Min: 1)),
        // residual holds its own list of layers (read by ModelSectionReader.ReadResidual), no numeric options.
        new("residual", null),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>True for options holding integers (sizes).</summary>
    public static bool IsInteger(string option) => option is "out" or "kernel" or "stride" or "padding" or "output_size";

    /// <summary>Layer types allowed as a residual's activation after the addition (shape-preserving, no parameters).</summary>
    public static IReadOnlyList<string> Activations { get; } = ["relu", "leaky_relu", "elu", "gelu", "silu", "tanh", "sigmoid"];

    /// <summary>The shortcut choices of a residual entry.</summary>
    public static IReadOnlyList<string> Shortcuts { get; } = ["auto", "identity", "projection"];
}
