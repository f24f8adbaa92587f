using System.Globalization;
using System.Text;

namespace Descent.Training.Callbacks;

/// <summary>Where training is within the run, reported by <see cref="ProgressCallback"/> at each epoch start and batch end.</summary>
/// <param name="Epoch">0-based epoch index.</param>
/// <param name="Epochs">Epochs of the whole run.</param>
/// <param name="Batch">Batches done in this epoch (0 at the epoch's start).</param>
/// <param name="BatchesInEpoch">Batches of this epoch.</param>
/// <param name="Loss">Mean training loss of this epoch so far (NaN before the first batch).</param>
/// <param name="SamplesPerSecond">Samples trained per second since training began.</param>
/// <param name="Eta">Time left for the whole run at the average time per batch so far; null before the first batch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int BatchesInEpoch, double Loss, double SamplesPerSecond, TimeSpan? Eta)
{
    /// <summary>One line: <c>epoch 1/5  loss 0.4321  12,345 samples/s  ETA 1:23</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch + 1}/{Epochs}  loss {Loss:F4}  {SamplesPerSecond:N0} samples/s  ETA {Duration(Eta)}");

    private static string Duration(TimeSpan? eta)
    {
        if (eta is not { } t) return "--:--";
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}

/// <summary>A finished epoch, reported by <see cref="ProgressCallback"/>.</summary>
/// <param name="Epoch">0-based epoch index.</param>
/// <param name="Epochs">Epochs of the whole run.</param>
/// <param name="Logs">The epoch's logs (loss, metrics, val_*, lr, seconds).</param>
/// <param name="SamplesPerSecond">Samples trained per second since training began; null for an epoch restored from a checkpoint.</param>
public sealed record EpochProgress(int Epoch, int Epochs, IReadOnlyDictionary<string, double> Logs, double? SamplesPerSecond)
{
    /// <summary>One line: <c>epoch 1/5  loss 0.4321  accuracy 0.8765  lr 0.001  2.1s  12,345 samples/s</c>.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"epoch {Epoch + 1}/{Epochs}");
        foreach (var (k, v) in Logs)
        {
            if (k == "seconds") continue;
            sb.Append("  ").Append(k).Append(' ').Append(v.ToString(k == "lr" ? "G4" : "F4", CultureInfo.InvariantCulture));
        }
        if (Logs.TryGetValue("seconds", out var s))
            sb.Append(CultureInfo.InvariantCulture, $"  {s:F1}s");
        if (SamplesPerSecond is double rate)
            sb.Append(CultureInfo.InvariantCulture, $"  {rate:N0} samples/s");
        return sb.ToString();
    }
}
