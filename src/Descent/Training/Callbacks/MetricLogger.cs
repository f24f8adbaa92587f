using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Training.Callbacks;

/// <summary>Appends each epoch's metrics to a CSV file (header from the first epoch) and/or a JSON-lines file.</summary>
public sealed class MetricLogger : ICallback
{
    private List<string>? _columns;

    /// <summary>Logs to <paramref name="csvPath"/> and/or <paramref name="jsonlPath"/> (either may be null).</summary>
    public MetricLogger(string? csvPath, string? jsonlPath = null)
    {
        if (csvPath is null && jsonlPath is null) throw new ArgumentException("MetricLogger: give a CSV path, a JSONL path or both.");
        CsvPath = csvPath;
        JsonlPath = jsonlPath;
    }

    /// <summary>CSV output file.</summary>
    public string? CsvPath { get; }

    /// <summary>JSON-lines output file.</summary>
    public string? JsonlPath { get; }

    void ICallback.OnTrainBegin(TrainingContext context)
    {
        // A resumed run appends to the existing file; a new run starts it.
        if (context.History.Epochs.Count == 0)
        {
            if (CsvPath is not null && File.Exists(CsvPath)) File.Delete(CsvPath);
            if (JsonlPath is not null && File.Exists(JsonlPath)) File.Delete(JsonlPath);
        }
        else if (CsvPath is not null && File.Exists(CsvPath))
        {
            _columns = File.ReadLines(CsvPath).First().Split(',').ToList();
        }
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        var row = new Dictionary<string, double>(context.EpochLogs) { ["epoch"] = context.Epoch + 1 };
        if (CsvPath is not null)
        {
            var sb = new StringBuilder();
            if (_columns is null)
            {
                _columns = ["epoch", .. context.EpochLogs.Keys];
                sb.AppendLine(string.Join(',', _columns));
            }
            sb.AppendLine(string.Join(',', _columns.Select(c => row.TryGetValue(c, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")));
            File.AppendAllText(CsvPath, sb.ToString());
        }
        if (JsonlPath is not null)
        {
            var safe = row.ToDictionary(kv => kv.Key, kv => double.IsFinite(kv.Value) ? (object)kv.Value : kv.Value.ToString(CultureInfo.InvariantCulture));
            File.AppendAllText(JsonlPath, JsonSerializer.Serialize(safe) + "\n");
        }
    }
}
