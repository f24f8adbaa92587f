using System.Globalization;
using System.Text;

namespace Descent.Tensors;

/// <summary>
/// PyTorch-style printing (torch/_tensor_str.py, default print options: precision 4, threshold 1000,
/// edgeitems 3, linewidth 80): one formatter width for the whole tensor, integer / fixed / scientific mode
/// chosen from the non-zero finite values, <c>...</c> summaries above 1000 elements, and the suffixes
/// PyTorch adds (dtype when not the default float32/int64/bool, grad_fn or requires_grad).
/// </summary>
public sealed partial class Tensor
{
    private const int PrintPrecision = 4, PrintThreshold = 1000, PrintEdgeItems = 3, PrintLineWidth = 80;

    /// <summary>The tensor as PyTorch prints it, e.g. <c>tensor([[1.0000, 2.5000]], dtype=torch.float64)</c>.</summary>
    public override string ToString()
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (Numel == 0)
        {
            // Empty tensors show their shape (unless 1-d) and any non-default dtype, as NumPy does.
            if (Rank != 1) suffixes.Add("size=" + PythonTuple(Shape.Dims));
            if (DType != DType.Float32) suffixes.Add("dtype=torch." + DType.TorchName());
            body = "[]";
        }
        else
        {
            // As PyTorch: float32, int64 and bool are the types a literal infers, so only the others are named.
            if (DType is DType.Float64 or DType.Int8 or DType.UInt8) suffixes.Add("dtype=torch." + DType.TorchName());
            bool summarize = Numel > PrintThreshold;
            var formatter = new ElementFormatter(this, summarize);
            var sb = new StringBuilder();
            AppendTensor(sb, 0, 0, indent, summarize, formatter);
            body = sb.ToString();
        }
        if (GradFn is not null) suffixes.Add($"grad_fn=<{GradFn.Name}>");
        else if (RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent);
    }

    // Mirrors _tensor_str_with_formatter: dims recurse with indent + 1, rows joined by ",\n…".
    private void AppendTensor(StringBuilder sb, int dim, int offset, int indent, bool summarize, ElementFormatter f)
    {
        if (Rank == 0) { sb.Append(f.Format(offset)); return; }
        int size = Shape.Dims[dim];
        int stride = 1;
        for (int d = dim + 1; d < Rank; d++) stride *= Shape.Dims[d];
        bool cut = summarize && size > 2 * PrintEdgeItems;
        if (dim == Rank - 1)
        {
            var items = new List<string>();
            for (int i = 0; i < size; i++)
            {
                if (cut && i == PrintEdgeItems) { items.Add(" ..."); i = size - PrintEdgeItems; }
                items.Add(f.Format(offset + i));
            }
            int perLine = Math.Max(1, (PrintLineWidth - indent) / (f.Width + 2));
            sb.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                sb.Append(items[i]);
            }
            sb.Append(']');
            return;
        }
        string separator = "," + new string('\n', Rank - dim - 1) + new string(' ', indent + 1);
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (i > 0) sb.Append(separator);
            if (cut && i == PrintEdgeItems)
            {
                sb.Append("...").Append(separator);
                i = size - PrintEdgeItems;
            }
            AppendTensor(sb, dim + 1, offset + i * stride, indent + 1, summarize, f);
        }
        sb.Append(']');
    }

    private static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > PrintLineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    private static string PythonTuple(ReadOnlySpan<int> dims) =>
        dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims.ToArray()) + ")";

    /// <summary>PyTorch's _Formatter: one width and one mode (integer, fixed or scientific) for all printed elements.</summary>
    private sealed class ElementFormatter
    {
        private readonly Tensor _t;
        private readonly bool _intMode = true, _sciMode;

        public int Width { get; } = 1;

        public ElementFormatter(Tensor t, bool summarize)
        {
            _t = t;
            var shown = new List<int>();
            CollectShown(t, 0, 0, summarize, shown);
            if (!t.DType.IsFloatingPoint())
            {
                foreach (int i in shown) Width = Math.Max(Width, Format(i).Length);
                return;
            }
            double min = double.PositiveInfinity, max = 0;
            bool any = false;
            foreach (int i in shown)
            {
                double v = t.GetDouble(i);
                if (!double.IsFinite(v) || v == 0) continue;
                any = true;
                min = Math.Min(min, Math.Abs(v));
                max = Math.Max(max, Math.Abs(v));
                if (v != Math.Ceiling(v)) _intMode = false;
            }
            if (!any) return;
            _sciMode = max / min > 1000 || max > 1e8 || (!_intMode && min < 1e-4);
            foreach (int i in shown)
            {
                double v = t.GetDouble(i);
                if (!double.IsFinite(v) || v == 0) continue;
                int len = _sciMode ? Sci(v).Length : _intMode ? Fixed(v, 0).Length + 1 : Fixed(v, PrintPrecision).Length;
                Width = Math.Max(Width, len);
            }
        }

        /// <summary>Element <paramref name="flat"/> formatted and right-aligned to <see cref="Width"/>.</summary>
        public string Format(int flat)
        {
            string s;
            switch (_t.DType)
            {
                case DType.Int64: s = _t.Span<long>()[flat].ToString(CultureInfo.InvariantCulture); break;
                case DType.Int8 or DType.UInt8: s = ((int)_t.GetDouble(flat)).ToString(CultureInfo.InvariantCulture); break;
                case DType.Bool: s = _t.Span<bool>()[flat] ? "True" : "False"; break;
                default:
                    double v = _t.GetDouble(flat);
                    if (_sciMode) s = Sci(v);
                    else if (_intMode) s = double.IsFinite(v) ? Fixed(v, 0) + "." : Fixed(v, 0);
                    else s = Fixed(v, PrintPrecision);
                    break;
            }
            return s.Length >= Width ? s : new string(' ', Width - s.Length) + s;
        }

        // The elements PyTorch's get_summarized_data keeps: the first and last edgeitems of every long dim.
        private static void CollectShown(Tensor t, int dim, int offset, bool summarize, List<int> shown)
        {
            if (t.Rank == 0) { shown.Add(offset); return; }
            int size = t.Shape.Dims[dim], stride = 1;
            for (int d = dim + 1; d < t.Rank; d++) stride *= t.Shape.Dims[d];
            for (int i = 0; i < size; i++)
            {
                if (summarize && size > 2 * PrintEdgeItems && i == PrintEdgeItems) i = size - PrintEdgeItems;
                if (dim == t.Rank - 1) shown.Add(offset + i);
                else CollectShown(t, dim + 1, offset + i * stride, summarize, shown);
            }
        }

        // Python's '{:.Nf}' (round half to even on the exact binary value, which .NET's "F" also does).
        private static string Fixed(double v, int decimals) =>
            double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
            : v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        // Python's '{:.4e}': mantissa, 'e', sign and at least two exponent digits.
        private static string Sci(double v)
        {
            if (!double.IsFinite(v)) return Fixed(v, 0);
            string s = v.ToString("E" + PrintPrecision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int e = s.IndexOf('E', StringComparison.Ordinal);
            int exponent = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return s[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
    }
}
