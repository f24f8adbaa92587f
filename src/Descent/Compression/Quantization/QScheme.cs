namespace Descent.Compression.Quantization;

/// <summary>How scales and zero points are chosen and shared (PyTorch's torch.qscheme).</summary>
public enum QScheme
{
    /// <summary>One scale and zero point for the tensor, zero point from the observed minimum.</summary>
    PerTensorAffine,
    /// <summary>One scale for the tensor, centred range (zero point 0 for qint8, 128 for quint8).</summary>
    PerTensorSymmetric,
    /// <summary>A scale and zero point per channel along an axis.</summary>
    PerChannelAffine,
    /// <summary>A centred scale per channel along an axis.</summary>
    PerChannelSymmetric,
}

/// <summary>Properties and names of <see cref="QScheme"/>.</summary>
public static class QSchemeExtensions
{
    /// <summary>True for the per-channel schemes.</summary>
    public static bool IsPerChannel(this QScheme scheme) => scheme is QScheme.PerChannelAffine or QScheme.PerChannelSymmetric;

    /// <summary>True for the symmetric schemes.</summary>
    public static bool IsSymmetric(this QScheme scheme) => scheme is QScheme.PerTensorSymmetric or QScheme.PerChannelSymmetric;

    /// <summary>PyTorch's name, e.g. per_tensor_affine.</summary>
    public static string TorchName(this QScheme scheme) => scheme switch
    {
        QScheme.PerTensorAffine => "per_tensor_affine",
        QScheme.PerTensorSymmetric => "per_tensor_symmetric",
        QScheme.PerChannelAffine => "per_channel_affine",
        _ => "per_channel_symmetric",
    };

    /// <summary>Parses PyTorch's name.</summary>
    public static QScheme Parse(string name) => name switch
    {
        "per_tensor_affine" => QScheme.PerTensorAffine,
        "per_tensor_symmetric" => QScheme.PerTensorSymmetric,
        "per_channel_affine" => QScheme.PerChannelAffine,
        "per_channel_symmetric" => QScheme.PerChannelSymmetric,
        _ => throw new ArgumentException($"Unknown qscheme '{name}' (per_tensor_affine, per_tensor_symmetric, per_channel_affine, per_channel_symmetric).", nameof(name)),
    };
}
