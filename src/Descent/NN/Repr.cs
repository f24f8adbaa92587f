using System.Globalization;
using System.Text;

namespace Descent.NN;

/// <summary>
/// Formats configuration values the way PyTorch's <c>extra_repr</c> does (Python literals: True/False/None,
/// 1e-05, (3, 3), (5,)), so a model's <see cref="Module.ToString"/> reads like its PyTorch counterpart and can be
/// parsed by the checkpoint reader in bench/compare.
/// </summary>
public static class Repr
{
    /// <summary>Python bool literal.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>Python float literal (shortest round-trip, "1.0", "1e-05").</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            var mantissa = s[..e];
            var exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    /// <summary>Python int literal.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Python tuple of ints: "(3, 3)", "(5,)".</summary>
    public static string Tuple(params int[] values)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }
        if (values.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }
}
