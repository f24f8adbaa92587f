using System.Text.Json;

namespace Descent.Reports.Runs;

/// <summary>
/// Reads a run's <c>pruning.json</c> (written by <c>descent prune</c> and pruning runs): an array of steps
/// <c>{step, sparsity, parameters, macs, checkpoint_bytes, accuracy, loss, latency: {batch1_1thread_ms, batch1_all_ms,
/// batch256_1thread_ms, batch256_all_ms}}</c>. Missing or null values are left empty; a malformed file fails naming the
/// file and the entry.
/// </summary>
public static class PruningHistoryReader
{
    /// <summary>The file name inside a run directory.</summary>
    public const string FileName = "pruning.json";

    /// <summary>The steps of <paramref name="path"/>, ordered by step.</summary>
    /// <exception cref="InvalidDataException">Not a JSON array of step objects.</exception>
    public static IReadOnlyList<PruningStepRow> Read(string path)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: expected an array of pruning steps, got {json.RootElement.ValueKind}.");
            var rows = new List<PruningStepRow>();
            int i = 0;
            foreach (var e in json.RootElement.EnumerateArray())
            {
                string where = $"{path}: entry {i++}";
                if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object, got {e.ValueKind}.");
                var latency = e.TryGetProperty("latency", out var l) && l.ValueKind == JsonValueKind.Object
                    ? new PruningLatency(Number(l, "batch1_1thread_ms", where), Number(l, "batch1_all_ms", where), Number(l, "batch256_1thread_ms", where),
                        Number(l, "batch256_all_ms", where))
                    : new PruningLatency(null, null, null, null);
                rows.Add(new PruningStepRow(
                    (int)(Number(e, "step", where) ?? throw new InvalidDataException($"{where}: 'step' is missing.")),
                    Number(e, "sparsity", where) ?? 0,
                    Integer(e, "parameters", where), Integer(e, "macs", where), Integer(e, "checkpoint_bytes", where),
                    Number(e, "accuracy", where), Number(e, "loss", where), latency));
            }
            return rows.OrderBy(r => r.Step).ToList();
        }
    }

    private static double? Number(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new InvalidDataException($"{where}: '{key}' must be a number, got {v.ValueKind}.");
    }

    private static long? Integer(JsonElement e, string key, string where) => Number(e, key, where) is double d ? (long)d : null;
}
