namespace Descent.Data;

/// <summary>
/// Batch size as a function of the epoch (a dynamic batch-size schedule, e.g. growing the batch instead of
/// decaying the learning rate; Smith et al. 2018, "Don't Decay the Learning Rate, Increase the Batch Size").
/// The size is fixed within an epoch, so a batch index locates the same samples on resume.
/// </summary>
public sealed class BatchSizeSchedule
{
    private readonly Func<int, int> _sizeAt;
    private readonly string _description;

    private BatchSizeSchedule(Func<int, int> sizeAt, string description)
    {
        _sizeAt = sizeAt;
        _description = description;
    }

    /// <summary>The same size every epoch.</summary>
    public static BatchSizeSchedule Constant(int size)
    {
        Validate(size, "Constant");
        return new BatchSizeSchedule(_ => size, $"constant {size}");
    }

    /// <summary>
    /// Piecewise-constant steps: from epoch <c>Epoch</c> on, batches have <c>Size</c> samples. The first step must
    /// start at epoch 0 and epochs must increase, e.g. <c>Steps((0, 32), (5, 64), (10, 128))</c>.
    /// </summary>
    public static BatchSizeSchedule Steps(params (int Epoch, int Size)[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0 || steps[0].Epoch != 0)
            throw new ArgumentException("BatchSizeSchedule.Steps: the first step must start at epoch 0.", nameof(steps));
        for (int i = 0; i < steps.Length; i++)
        {
            Validate(steps[i].Size, "Steps");
            if (i > 0 && steps[i].Epoch <= steps[i - 1].Epoch)
                throw new ArgumentException(
                    $"BatchSizeSchedule.Steps: epochs must increase, but step {i} starts at epoch {steps[i].Epoch} after {steps[i - 1].Epoch}.",
                    nameof(steps));
        }
        var copy = ((int Epoch, int Size)[])steps.Clone();
        return new BatchSizeSchedule(epoch =>
        {
            int size = copy[0].Size;
            foreach (var (from, s) in copy)
                if (epoch >= from) size = s;
            return size;
        }, "steps " + string.Join(", ", copy.Select(s => $"{s.Epoch}→{s.Size}")));
    }

    /// <summary>Any function epoch → batch size (must be deterministic and ≥ 1).</summary>
    public static BatchSizeSchedule FromFunction(Func<int, int> sizeAt)
    {
        ArgumentNullException.ThrowIfNull(sizeAt);
        return new BatchSizeSchedule(sizeAt, "function");
    }

    /// <summary>The batch size of <paramref name="epoch"/> (epochs count from 0).</summary>
    public int SizeAt(int epoch)
    {
        if (epoch < 0)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "BatchSizeSchedule: epochs count from 0.");
        int size = _sizeAt(epoch);
        if (size < 1)
            throw new InvalidOperationException($"BatchSizeSchedule ({_description}) gave batch size {size} for epoch {epoch}; it must be at least 1.");
        return size;
    }

    /// <summary>A short description (for logs).</summary>
    public override string ToString() => _description;

    private static void Validate(int size, string what)
    {
        if (size < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"BatchSizeSchedule.{what}: batch size must be at least 1.");
    }
}
