using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace Descent.Tuning;

/// <summary>
/// JSON text of normalized attribute values (<see cref="AttrValues"/>), as the SQL storages keep them.
/// Integers are written without a fraction and doubles always with one (<c>2.0</c>), so a value reads back
/// with its type; non-finite doubles are written <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> as Python's
/// <c>json</c> module (and therefore Optuna) does — not strict JSON, hence the small reader here.
/// </summary>
internal static class AttrJson
{
    /// <summary>Serializes a normalized value.</summary>
    public static string Write(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>Parses text written by <see cref="Write(object?)"/> back into normalized values.</summary>
    /// <exception cref="FormatException">The text is not valid.</exception>
    public static object? Read(string json)
    {
        int i = 0;
        var value = ReadValue(json, ref i);
        SkipWhite(json, ref i);
        if (i != json.Length) throw Error(json, i, "trailing characters");
        return value;
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: WriteString(sb, s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatDouble(d)); break;
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, list[i]);
                }
                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append('{');
                bool first = true;
                foreach (var (k, v) in map)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, k);
                    sb.Append(':');
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            default:
                // Only normalized values reach here; anything else is normalized first (and rejected if unsupported).
                Write(sb, AttrValues.Normalize(value));
                break;
        }
    }

    private static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.AsSpan().IndexOfAny('.', 'E') >= 0 ? s : s + ".0";
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    private static object? ReadValue(string s, ref int i)
    {
        SkipWhite(s, ref i);
        if (i >= s.Length) throw Error(s, i, "unexpected end");
        char c = s[i];
        switch (c)
        {
            case '"': return ReadString(s, ref i);
            case '[':
            {
                i++;
                var list = new List<object?>();
                SkipWhite(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return list.AsReadOnly(); }
                while (true)
                {
                    list.Add(ReadValue(s, ref i));
                    SkipWhite(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return list.AsReadOnly(); }
                    throw Error(s, i, "expected ',' or ']'");
                }
            }
            case '{':
            {
                i++;
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                SkipWhite(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return new ReadOnlyDictionary<string, object?>(map); }
                while (true)
                {
                    SkipWhite(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw Error(s, i, "expected a string key");
                    string key = ReadString(s, ref i);
                    SkipWhite(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw Error(s, i, "expected ':'");
                    i++;
                    map[key] = ReadValue(s, ref i);
                    SkipWhite(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return new ReadOnlyDictionary<string, object?>(map); }
                    throw Error(s, i, "expected ',' or '}'");
                }
            }
            default:
                if (Literal(s, ref i, "null")) return null;
                if (Literal(s, ref i, "true")) return true;
                if (Literal(s, ref i, "false")) return false;
                if (Literal(s, ref i, "NaN")) return double.NaN;
                if (Literal(s, ref i, "Infinity")) return double.PositiveInfinity;
                if (Literal(s, ref i, "-Infinity")) return double.NegativeInfinity;
                return ReadNumber(s, ref i);
        }
    }

    private static object ReadNumber(string s, ref int i)
    {
        int start = i;
        bool integral = true;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] is '-' or '+' or '.' or 'e' or 'E'))
        {
            if (s[i] is '.' or 'e' or 'E') integral = false;
            i++;
        }
        var token = s.AsSpan(start, i - start);
        if (token.Length == 0) throw Error(s, start, "unexpected character");
        if (integral && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw Error(s, start, "bad number");
    }

    private static string ReadString(string s, ref int i)
    {
        i++; // opening quote
        var sb = new StringBuilder();
        while (i < s.Length)
        {
            char c = s[i++];
            if (c == '"') return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= s.Length) break;
            char e = s[i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (i + 4 > s.Length || !int.TryParse(s.AsSpan(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        throw Error(s, i, "bad \\u escape");
                    sb.Append((char)code); // surrogate pairs arrive as two escapes and recombine here
                    i += 4;
                    break;
                default: throw Error(s, i - 1, "bad escape");
            }
        }
        throw Error(s, i, "unterminated string");
    }

    private static bool Literal(string s, ref int i, string word)
    {
        if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) return false;
        i += word.Length;
        return true;
    }

    private static void SkipWhite(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r') i++;
    }

    private static FormatException Error(string s, int at, string what) =>
        new($"stored attribute JSON is invalid at offset {at} ({what}): {(s.Length > 80 ? s[..80] + "…" : s)}");
}
