using Descent.Tensors;

namespace Descent.Data;

/// <summary>One fold of a k-fold split: train on <see cref="Train"/>, validate on <see cref="Validation"/>.</summary>
/// <param name="Index">Fold number, 0..k−1.</param>
/// <param name="Train">The samples outside this fold.</param>
/// <param name="Validation">The samples of this fold.</param>
public sealed record Fold(int Index, Subset Train, Subset Validation);

/// <summary>
/// Seeded train/validation splits and k-fold cross-validation, optionally stratified by class, returning
/// <see cref="Subset"/> views (index lists, no copies of the data). Index lists are sorted ascending, so a
/// loader without shuffling keeps the dataset's order. Conventions follow scikit-learn's
/// <c>train_test_split</c> (validation size ⌈fraction·N⌉), <c>KFold</c> (the first N mod k folds one larger)
/// and <c>StratifiedKFold</c> (each class spread over the folds as evenly as possible).
/// </summary>
public static class DataSplits
{
    private const long SplitTag = 0x53504C4954;   // "SPLIT"
    private const long FoldTag = 0x4B464F4C44;    // "KFOLD"

    /// <summary>Splits <paramref name="dataset"/> into train and validation subsets, the latter ⌈fraction·N⌉ samples.</summary>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="validationFraction">Share of samples for validation, in (0, 1).</param>
    /// <param name="seed">Seed of the random assignment.</param>
    /// <param name="stratify">Keep each class's share equal in both parts (needs Int64 class-id targets).</param>
    public static (Subset Train, Subset Validation) TrainValidation(IDataset dataset, double validationFraction, long seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var (train, validation) = stratify
            ? TrainValidationIndices(dataset.Labels(), validationFraction, seed)
            : TrainValidationIndices(dataset.Count, validationFraction, seed);
        return (new Subset(dataset, train), new Subset(dataset, validation));
    }

    /// <summary>Random train/validation index sets over 0..<paramref name="count"/>−1.</summary>
    public static (int[] Train, int[] Validation) TrainValidationIndices(int count, double validationFraction, long seed)
    {
        int nVal = ValidationCount(count, validationFraction);
        var order = Permutation(count, new Generator(SeedMixer.Mix(seed, SplitTag)));
        return Sorted(order.AsSpan(nVal).ToArray(), order.AsSpan(0, nVal).ToArray());
    }

    /// <summary>Stratified train/validation index sets: each class contributes its proportional share to validation.</summary>
    public static (int[] Train, int[] Validation) TrainValidationIndices(ReadOnlySpan<long> labels, double validationFraction, long seed)
    {
        int n = labels.Length;
        int nVal = ValidationCount(n, validationFraction);
        var classes = GroupByClass(labels);
        // Largest-remainder apportionment of nVal over the classes (ties to the lower class id), so the per-class
        // counts add up exactly and each is within one of its exact share.
        var take = new int[classes.Length];
        var remainders = new (double Frac, int Class)[classes.Length];
        int assigned = 0;
        for (int c = 0; c < classes.Length; c++)
        {
            double exact = (double)nVal * classes[c].Count / n;
            take[c] = (int)Math.Floor(exact);
            assigned += take[c];
            remainders[c] = (exact - take[c], c);
        }
        Array.Sort(remainders, (a, b) => a.Frac != b.Frac ? b.Frac.CompareTo(a.Frac) : a.Class.CompareTo(b.Class));
        for (int r = 0; assigned < nVal; r++)
        {
            take[remainders[r].Class]++;
            assigned++;
        }
        var rng = new Generator(SeedMixer.Mix(seed, SplitTag));
        var train = new List<int>(n - nVal);
        var validation = new List<int>(nVal);
        for (int c = 0; c < classes.Length; c++)
        {
            var members = classes[c].ToArray();
            Shuffle(members, rng);
            validation.AddRange(members.AsSpan(0, take[c]));
            train.AddRange(members.AsSpan(take[c]));
        }
        return Sorted([.. train], [.. validation]);
    }

    /// <summary>
    /// k folds of <paramref name="dataset"/>: fold i validates on the i-th part and trains on the others. Every sample is
    /// in exactly one validation part.
    /// </summary>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="k">Number of folds, 2 ≤ k ≤ N.</param>
    /// <param name="seed">Seed of the shuffle before splitting.</param>
    /// <param name="shuffle">Shuffle before splitting (false: consecutive blocks, as scikit-learn's default).</param>
    /// <param name="stratify">Spread each class evenly over the folds (needs Int64 class-id targets).</param>
    public static Fold[] KFold(IDataset dataset, int k, long seed, bool shuffle = true, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var parts = stratify ? KFoldIndices(dataset.Labels(), k, seed) : KFoldIndices(dataset.Count, k, seed, shuffle);
        var folds = new Fold[k];
        for (int f = 0; f < k; f++)
            folds[f] = new Fold(f, new Subset(dataset, TrainIndices(dataset.Count, parts[f])), new Subset(dataset, parts[f]));
        return folds;
    }

    /// <summary>The validation index set of each of <paramref name="k"/> folds over 0..<paramref name="count"/>−1 (sorted).</summary>
    public static int[][] KFoldIndices(int count, int k, long seed, bool shuffle = true)
    {
        CheckK(count, k);
        var order = shuffle ? Permutation(count, new Generator(SeedMixer.Mix(seed, FoldTag))) : Identity(count);
        var parts = new int[k][];
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = count / k + (f < count % k ? 1 : 0);
            parts[f] = order.AsSpan(start, size).ToArray();
            Array.Sort(parts[f]);
            start += size;
        }
        return parts;
    }

    /// <summary>Stratified folds: each class's (shuffled) samples are dealt round-robin over the folds.</summary>
    public static int[][] KFoldIndices(ReadOnlySpan<long> labels, int k, long seed)
    {
        CheckK(labels.Length, k);
        var rng = new Generator(SeedMixer.Mix(seed, FoldTag));
        var parts = new List<int>[k];
        for (int f = 0; f < k; f++) parts[f] = new List<int>(labels.Length / k + 1);
        int position = 0;
        foreach (var members in GroupByClass(labels))
        {
            var shuffled = members.ToArray();
            Shuffle(shuffled, rng);
            // Continuing the deal across classes keeps the fold sizes within one of each other.
            foreach (int i in shuffled)
                parts[position++ % k].Add(i);
        }
        var result = new int[k][];
        for (int f = 0; f < k; f++)
        {
            result[f] = [.. parts[f]];
            Array.Sort(result[f]);
        }
        return result;
    }

    private static int[] TrainIndices(int count, int[] validation)
    {
        var inValidation = new bool[count];
        foreach (int i in validation) inValidation[i] = true;
        var train = new int[count - validation.Length];
        int t = 0;
        for (int i = 0; i < count; i++)
            if (!inValidation[i]) train[t++] = i;
        return train;
    }

    private static int ValidationCount(int count, double fraction)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "TrainValidation: the validation fraction must be in (0, 1).");
        int nVal = (int)Math.Ceiling(fraction * count);
        if (nVal >= count)
            throw new ArgumentException(
                $"TrainValidation: a validation fraction of {fraction} leaves no training samples out of {count}.", nameof(fraction));
        return nVal;
    }

    private static void CheckK(int count, int k)
    {
        if (k < 2 || k > count)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"KFold: k must be between 2 and the number of samples ({count}).");
    }

    private static List<int>[] GroupByClass(ReadOnlySpan<long> labels)
    {
        long max = -1;
        foreach (long l in labels)
        {
            if (l < 0)
                throw new ArgumentException($"Stratified split: class ids must be non-negative, found {l}.", nameof(labels));
            max = Math.Max(max, l);
        }
        var groups = new List<int>[max + 1];
        for (int c = 0; c < groups.Length; c++) groups[c] = [];
        for (int i = 0; i < labels.Length; i++) groups[labels[i]].Add(i);
        return groups;
    }

    private static int[] Identity(int count)
    {
        var a = new int[count];
        for (int i = 0; i < count; i++) a[i] = i;
        return a;
    }

    private static int[] Permutation(int count, Generator rng)
    {
        var a = Identity(count);
        Shuffle(a, rng);
        return a;
    }

    private static void Shuffle(int[] a, Generator rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextInt64(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    private static (int[], int[]) Sorted(int[] train, int[] validation)
    {
        Array.Sort(train);
        Array.Sort(validation);
        return (train, validation);
    }
}
