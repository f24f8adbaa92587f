using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>
/// Reads fixture values: tensor objects (<c>{"dtype", "shape", "data"}</c>) into Float64 or Float32 tensors, and
/// hyperparameter/config objects into plain .NET values (double, bool, string, null, double[] or object?[]).
/// </summary>
public static class FixtureJson
{
    /// <summary>True when <paramref name="e"/> is a tensor object.</summary>
    public static bool IsTensor(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("dtype", out _) && e.TryGetProperty("shape", out _) &&
        e.TryGetProperty("data", out _);

    /// <summary>The shape of a tensor object.</summary>
    public static int[] Shape(JsonElement tensor) =>
        [.. tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];

    /// <summary>The data of a tensor object as doubles (bools as 0/1).</summary>
    public static double[] Data(JsonElement tensor) =>
        [.. tensor.GetProperty("data").EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            _ => v.GetDouble(),
        })];

    /// <summary>
    /// A tensor object as a tensor: float data in <paramref name="floatType"/> (Float64 or Float32), int64 and bool
    /// data in their own dtype.
    /// </summary>
    public static Tensor ToTensor(JsonElement tensor, DType floatType = DType.Float64)
    {
        if (!IsTensor(tensor))
            throw new ArgumentException($"Not a fixture tensor object: {Abbreviate(tensor)}");
        var shape = Shape(tensor);
        var data = Data(tensor);
        var dtype = tensor.GetProperty("dtype").GetString() switch
        {
            "float64" or "float32" => floatType,
            "int64" => DType.Int64,
            "bool" => DType.Bool,
            var other => throw new ArgumentException($"Unknown fixture dtype '{other}'."),
        };
        var t = Tensor.Zeros(new Shape(shape), dtype);
        for (int i = 0; i < data.Length; i++) t.SetDouble(i, data[i]);
        return t;
    }

    /// <summary>A JSON array of tensor objects as tensors.</summary>
    public static Tensor[] ToTensors(JsonElement array, DType floatType = DType.Float64) =>
        [.. array.EnumerateArray().Select(e => ToTensor(e, floatType))];

    /// <summary>A JSON object of tensor objects (e.g. a module case's "params" or "inputs") as name → tensor.</summary>
    public static Dictionary<string, Tensor> ToTensorDictionary(JsonElement obj, DType floatType = DType.Float64)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject()) d[p.Name] = ToTensor(p.Value, floatType);
        return d;
    }

    /// <summary>A JSON value as a plain .NET value (numbers as double, arrays of numbers as double[]).</summary>
    public static object? ToValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Array when e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number) =>
            e.EnumerateArray().Select(x => x.GetDouble()).ToArray(),
        JsonValueKind.Array => e.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.Object when IsTensor(e) => ToTensor(e),
        JsonValueKind.Object => ToDictionary(e),
        _ => throw new ArgumentException($"Unsupported JSON value {e.ValueKind}."),
    };

    /// <summary>A JSON object as a name → value dictionary (values converted with <see cref="ToValue"/>).</summary>
    public static Dictionary<string, object?> ToDictionary(JsonElement obj)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject()) d[p.Name] = ToValue(p.Value);
        return d;
    }

    /// <summary>An array of numbers.</summary>
    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetDouble())];

    private static string Abbreviate(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
