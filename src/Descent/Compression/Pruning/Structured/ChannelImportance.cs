using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Pruning.Structured;

/// <summary>
/// Scores the channels of a <see cref="PruningGroup"/> (higher is more important). Norm and Taylor scores come from each
/// producer's weight slice of the channel (rows of a Linear, output filters of a Conv2d; the bias is not included),
/// BatchNorm scores from the γ of each BatchNorm in the group, and the per-layer scores of a channel are combined with
/// the <see cref="ImportanceReduction"/> when several layers are coupled (a residual sum). Scores are computed in
/// float64 from the current weights, without gradients being recorded.
/// </summary>
public static class ChannelImportance
{
    /// <summary>
    /// One score per channel of <paramref name="group"/>. <see cref="ImportanceCriterion.Taylor"/> reads the producers'
    /// accumulated gradients (run backward over calibration batches first, e.g. with <see cref="AccumulateGradients"/>);
    /// <see cref="ImportanceCriterion.Random"/> draws from <paramref name="generator"/> (default: a generator seeded 0).
    /// </summary>
    public static double[] Compute(PruningGroup group, ImportanceCriterion criterion, ImportanceReduction reduction = ImportanceReduction.Mean,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (criterion == ImportanceCriterion.Random)
        {
            generator ??= new Generator(0);
            var random = new double[group.Channels];
            for (int j = 0; j < random.Length; j++) random[j] = generator.NextDouble();
            return random;
        }
        var perLayer = criterion == ImportanceCriterion.BnScale
            ? group.Members.Where(m => m.Module is BatchNorm { Weight: not null }).Select(m => BnScale(group, m)).ToList()
            : group.Producers.Select(m => WeightSlices(group, m, criterion)).ToList();
        if (perLayer.Count == 0)
        {
            throw new ArgumentException(criterion == ImportanceCriterion.BnScale
                ? $"bn_scale importance needs a BatchNorm with a scale γ in {group}; its layers: {string.Join(", ", group.Members.Select(m => m.Path))}."
                : $"{criterion} importance needs a layer that computes the channels of {group}.", nameof(group));
        }
        return Reduce(perLayer, reduction);
    }

    /// <summary>
    /// Zeroes <paramref name="model"/>'s gradients and runs backward on every loss of <paramref name="calibrationLosses"/>
    /// (enumerated lazily, so each batch's forward runs after the gradients were zeroed), leaving ∂L/∂w summed over the
    /// batches for <see cref="ImportanceCriterion.Taylor"/>. Returns the number of batches.
    /// </summary>
    public static int AccumulateGradients(Module model, IEnumerable<Tensor> calibrationLosses)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationLosses);
        model.ZeroGrad();
        int batches = 0;
        foreach (var loss in calibrationLosses)
        {
            using var scope = StepScope.Begin();
            loss.Backward();
            batches++;
        }
        if (batches == 0) throw new ArgumentException("taylor importance: no calibration batches were given.", nameof(calibrationLosses));
        return batches;
    }

    private static double[] WeightSlices(PruningGroup group, GroupMember producer, ImportanceCriterion criterion)
    {
        var weight = producer.Module switch
        {
            Linear l => l.Weight,
            Conv2d c => c.Weight,
            var other => throw new ArgumentException($"{criterion} importance: {other.TypeName} '{producer.Path}' has no weight slices per channel.", nameof(group)),
        };
        var w = weight.ToDoubleArray();
        double[]? g = null;
        if (criterion == ImportanceCriterion.Taylor)
        {
            g = (weight.Grad ?? throw new InvalidOperationException(
                $"taylor importance: {producer.Module.TypeName} '{producer.Path}' has no gradient; run backward over calibration batches first (ChannelImportance.AccumulateGradients).")).ToDoubleArray();
        }
        int slice = w.Length / weight.Shape[0];
        var scores = new double[group.Channels];
        for (int j = 0; j < scores.Length; j++)
        {
            double acc = 0;
            for (int k = j * slice; k < (j + 1) * slice; k++)
            {
                acc += criterion switch
                {
                    ImportanceCriterion.L1 => Math.Abs(w[k]),
                    ImportanceCriterion.L2 => w[k] * w[k],
                    _ => w[k] * g![k],
                };
            }
            scores[j] = criterion switch
            {
                ImportanceCriterion.L2 => Math.Sqrt(acc),
                ImportanceCriterion.Taylor => Math.Abs(acc),
                _ => acc,
            };
        }
        return scores;
    }

    // |γ| per channel; after a Flatten a channel owns a block of features, whose |γ| are averaged.
    private static double[] BnScale(PruningGroup group, GroupMember bn)
    {
        var gamma = ((BatchNorm)bn.Module).Weight!.ToDoubleArray();
        var scores = new double[group.Channels];
        for (int j = 0; j < scores.Length; j++)
        {
            double acc = 0;
            for (int b = 0; b < bn.Block; b++) acc += Math.Abs(gamma[bn.Offset + j * bn.Block + b]);
            scores[j] = acc / bn.Block;
        }
        return scores;
    }

    private static double[] Reduce(List<double[]> perLayer, ImportanceReduction reduction)
    {
        if (perLayer.Count == 1) return perLayer[0];
        var result = new double[perLayer[0].Length];
        for (int j = 0; j < result.Length; j++)
        {
            var values = perLayer.Select(s => s[j]);
            result[j] = reduction switch
            {
                ImportanceReduction.Sum => values.Sum(),
                ImportanceReduction.Max => values.Max(),
                _ => values.Average(),
            };
        }
        return result;
    }
}
