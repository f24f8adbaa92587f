using System.Numerics;
using Descent.Data;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Compression.Distillation;

/// <summary>
/// Teacher logits computed once for a whole data set (the no-augmentation fast path of <see cref="Distiller"/>), and
/// the row helpers the distiller uses on every batch: gathering precomputed rows and counting argmax agreement.
/// </summary>
internal static class TeacherLogits
{
    private const int PrecomputeBatch = 512;

    /// <summary>
    /// True when <paramref name="transform"/> gives every sample the same features in every epoch (none, Normalize,
    /// Flatten, OneHot and compositions of them), so precomputed teacher logits are exactly what the teacher would
    /// see. Unknown transforms count as random: the teacher then runs on every batch.
    /// </summary>
    public static bool IsDeterministic(IBatchTransform? transform) => transform switch
    {
        null => true,
        Compose c => c.Transforms.All(IsDeterministic),
        Normalize or Descent.Data.Flatten or OneHot => true,
        _ => false,
    };

    /// <summary>
    /// One [N, C] tensor per teacher: row i holds teacher(x_i), x_i being sample i after <paramref name="transform"/>;
    /// eval mode, no gradients. Long-lived (made outside any step scope).
    /// </summary>
    public static Tensor[] Compute(IReadOnlyList<Module> teachers, IDataset dataset, IBatchTransform? transform)
    {
        var loader = new DataLoader(dataset, new DataLoaderOptions { BatchSize = PrecomputeBatch, Transform = transform });
        var all = new Tensor?[teachers.Count];
        using var noGrad = GradMode.Disable();
        foreach (var batch in loader.Epoch(0))
        {
            using var scope = StepScope.Begin();
            for (int k = 0; k < teachers.Count; k++)
            {
                var logits = teachers[k].Call(batch.Features);
                RequireLogits(logits, batch.Size, k);
                if (all[k] is null)
                    using (StepScope.Suspend())
                        all[k] = Tensor.Zeros(new Shape(dataset.Count, logits.Shape[1]), logits.DType);
                Scatter(logits, batch.SampleIndices.Span, all[k]!);
            }
        }
        return [.. all.Select(t => t ?? throw new InvalidOperationException("distillation: the training set is empty; there is nothing to precompute."))];
    }

    /// <summary>Throws unless <paramref name="logits"/> is [B, C] for a batch of <paramref name="rows"/>.</summary>
    public static void RequireLogits(Tensor logits, int rows, int teacher)
    {
        if (logits.Rank != 2 || logits.Shape[0] != rows)
            throw new InvalidOperationException(
                $"distillation: teacher {teacher} returned {logits.Shape} for a batch of {rows}; distillation needs logits [batch, classes].");
    }

    /// <summary>Rows <paramref name="indices"/> of <paramref name="all"/> ([N, C]) as a new [B, C] tensor.</summary>
    public static Tensor Gather(Tensor all, ReadOnlySpan<int> indices)
    {
        int c = all.Shape[1], n = all.Shape[0];
        var rows = Tensor.Empty(new Shape(indices.Length, c), all.DType);
        if (all.DType == DType.Float32) Gather(all.Span<float>(), indices, rows.Span<float>(), c, n);
        else Gather(all.Span<double>(), indices, rows.Span<double>(), c, n);
        return rows;
    }

    /// <summary>Number of rows whose argmax over dim 1 is the same in <paramref name="a"/> and <paramref name="b"/> (both [B, C]).</summary>
    public static int CountAgreement(Tensor a, Tensor b)
    {
        int rows = a.Shape[0], c = a.Shape[1], agree = 0;
        for (int r = 0; r < rows; r++)
            if (Argmax(a, r, c) == Argmax(b, r, c)) agree++;
        return agree;
    }

    /// <summary>The argmax over dim 1 of row <paramref name="row"/> of [B, C] <paramref name="t"/> (first maximum; NaN never wins).</summary>
    public static int Argmax(Tensor t, int row, int c) => t.DType == DType.Float32
        ? Argmax<float>(t.Span<float>().Slice(row * c, c))
        : Argmax<double>(t.Span<double>().Slice(row * c, c));

    private static int Argmax<T>(ReadOnlySpan<T> row) where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }

    private static void Gather<T>(ReadOnlySpan<T> all, ReadOnlySpan<int> indices, Span<T> rows, int c, int n) where T : unmanaged
    {
        for (int r = 0; r < indices.Length; r++)
        {
            int i = indices[r];
            if ((uint)i >= (uint)n)
                throw new InvalidOperationException($"distillation: sample index {i} is outside the {n} precomputed teacher rows; was the training set changed after precomputing?");
            all.Slice(i * c, c).CopyTo(rows.Slice(r * c, c));
        }
    }

    private static void Scatter(Tensor rows, ReadOnlySpan<int> indices, Tensor all)
    {
        int c = all.Shape[1];
        var src = rows.To(all.DType);
        for (int r = 0; r < indices.Length; r++)
        {
            if (all.DType == DType.Float32) src.Span<float>().Slice(r * c, c).CopyTo(all.Span<float>().Slice(indices[r] * c, c));
            else src.Span<double>().Slice(r * c, c).CopyTo(all.Span<double>().Slice(indices[r] * c, c));
        }
    }
}
