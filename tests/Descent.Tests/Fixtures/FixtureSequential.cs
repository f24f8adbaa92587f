using System.Text.Json;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>
/// Builds the <c>nn.Sequential</c> models of structured_pruning.json (<c>{"layers": [layer spec, ...]}</c>; layer i has
/// state-dict prefix "i") in a given dtype. An unknown layer type fails.
/// </summary>
public static class FixtureSequential
{
    /// <summary>The model of <paramref name="spec"/> in <paramref name="dtype"/>.</summary>
    public static Sequential Build(JsonElement spec, DType dtype = DType.Float64)
    {
        var model = new Sequential();
        foreach (var l in spec.GetProperty("layers").EnumerateArray())
        {
            int I(string key) => l.GetProperty(key).GetInt32();
            Size2 S(string key) => (l.GetProperty(key)[0].GetInt32(), l.GetProperty(key)[1].GetInt32());
            bool Bias() => l.GetProperty("bias").GetBoolean();
            double Eps() => l.GetProperty("eps").GetDouble();
            model.Add(l.GetProperty("type").GetString() switch
            {
                "Linear" => new Linear(I("in"), I("out"), Bias(), dtype),
                "Conv2d" => new Conv2d(I("in"), I("out"), S("kernel"), S("stride"), S("padding"), bias: Bias(), dtype: dtype),
                "BatchNorm1d" => new BatchNorm1d(I("features"), Eps(), dtype: dtype),
                "BatchNorm2d" => new BatchNorm2d(I("features"), Eps(), dtype: dtype),
                "ReLU" => new ReLU(),
                "Flatten" => new Flatten(),
                "MaxPool2d" => new MaxPool2d(S("kernel"), S("stride")),
                "ResidualBlock" => new ResidualBlock(I("channels"), I("mid"), kernelSize: S("kernel"), padding: S("padding"),
                    bias: Bias(), eps: Eps(), dtype: dtype),
                var t => throw new InvalidDataException($"unknown layer type {t}"),
            });
        }
        return model;
    }
}
