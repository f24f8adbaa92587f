using System.Text.Json.Nodes;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.Training.Checkpointing;

/// <summary>
/// Encodes plain state values (tensors, numbers, booleans, strings, number arrays, null, nested dictionaries) as
/// JSON, moving tensors into a safetensors side table under generated names. Arrays are tagged with their element
/// type so a round trip gives back exactly the CLR types the optimizers and schedulers expect.
/// </summary>
internal sealed class StateCodec(NamedTensors tensors)
{
    public NamedTensors Tensors { get; } = tensors;

    public JsonNode? Encode(object? value, string tensorName) => value switch
    {
        null => null,
        Tensor t => AddTensor(t, tensorName),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        int i => new JsonObject { ["int"] = i },
        long l => new JsonObject { ["long"] = l },
        double d => EncodeDouble(d),
        float f => EncodeDouble(f),
        int[] a => new JsonObject { ["ints"] = new JsonArray(a.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) },
        long[] a => new JsonObject { ["longs"] = new JsonArray(a.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) },
        double[] a => new JsonObject { ["doubles"] = new JsonArray(a.Select(v => EncodeDouble(v)).ToArray()) },
        IReadOnlyDictionary<string, object?> map => EncodeMap(map, tensorName),
        IEnumerable<KeyValuePair<string, object?>> pairs => EncodeMap(pairs.ToDictionary(kv => kv.Key, kv => kv.Value), tensorName),
        _ => throw new NotSupportedException($"Checkpoint: cannot store a value of type {value.GetType().Name} at '{tensorName}'."),
    };

    public object? Decode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue(out bool b):
                return b;
            case JsonValue v when v.TryGetValue(out string? s):
                return s;
            case JsonValue v:
                return v.GetValue<double>();
            case JsonObject o when o.Count == 1 && o.First().Value is { } inner:
                // A damaged file can hold any JSON here: a wrong kind throws InvalidOperationException or FormatException,
                // which TrainingCheckpoint.Load reports as corrupt training state.
                switch (o.First().Key)
                {
                    case "tensor": return Tensors.TryGetValue(inner.GetValue<string>(), out var t) ? t
                        : throw new InvalidDataException($"Checkpoint: no tensor '{inner.GetValue<string>()}' in the file.");
                    case "int": return inner.GetValue<int>();
                    case "long": return inner.GetValue<long>();
                    case "double": return DecodeDouble(inner);
                    case "ints": return inner.AsArray().Select(x => Number(x).GetValue<int>()).ToArray();
                    case "longs": return inner.AsArray().Select(x => Number(x).GetValue<long>()).ToArray();
                    case "doubles": return inner.AsArray().Select(x => DecodeDouble(x)).ToArray();
                    case "map": return DecodeMap(inner.AsObject());
                }
                break;
        }
        throw new InvalidDataException($"Checkpoint: unrecognised state value {node.ToJsonString()}.");
    }

    private static JsonNode Number(JsonNode? n) => n ?? throw new InvalidDataException("Checkpoint: null in a number array.");

    public Dictionary<string, object?> DecodeMap(JsonObject map) =>
        map.ToDictionary(kv => kv.Key, kv => Decode(kv.Value), StringComparer.Ordinal);

    private JsonObject EncodeMap(IReadOnlyDictionary<string, object?> map, string prefix)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = Encode(v, $"{prefix}.{k}");
        return new JsonObject { ["map"] = o };
    }

    private JsonObject AddTensor(Tensor t, string name)
    {
        Tensors.Add(name, t);
        return new JsonObject { ["tensor"] = name };
    }

    // JSON has no NaN/Inf: store those as strings (e.g. a plateau scheduler's initial "best" is +Inf).
    private static JsonNode EncodeDouble(double d) =>
        double.IsFinite(d) ? JsonValue.Create(d) : new JsonObject { ["double"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static double DecodeDouble(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue(out string? s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v => v.GetValue<double>(),
        JsonObject o when o.TryGetPropertyValue("double", out var inner) => DecodeDouble(inner),
        _ => throw new InvalidDataException($"Checkpoint: expected a number, got {n?.ToJsonString()}."),
    };
}
