using System.Globalization;
using System.Text;

namespace Descent.Experiments;

/// <summary>Model outputs for a set of inputs, with the predicted classes of a classifier.</summary>
public sealed class Predictions
{
    private readonly double[] _outputs;

    internal Predictions(double[] outputs, int rows, int width, int classes, IReadOnlyList<string> classNames, string loss)
    {
        _outputs = outputs;
        Rows = rows;
        Width = width;
        Classes = classes;
        ClassNames = classNames;
        Loss = loss;
    }

    /// <summary>Number of predicted rows.</summary>
    public int Rows { get; }

    /// <summary>Outputs per row.</summary>
    public int Width { get; }

    /// <summary>Classes (0 for regression).</summary>
    public int Classes { get; }

    /// <summary>Class names by id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The resolved loss name (decides how outputs become probabilities).</summary>
    public string Loss { get; }

    /// <summary>Raw output <paramref name="j"/> of row <paramref name="i"/>.</summary>
    public double Output(int i, int j) => _outputs[i * Width + j];

    /// <summary>Class probabilities of row <paramref name="i"/> (softmax of logits; sigmoid for a single binary output).</summary>
    public double[] Probabilities(int i)
    {
        if (Classes == 0) throw new InvalidOperationException("Predictions: a regression model has no class probabilities.");
        if (Width == 1)
        {
            double p = Loss == "bce_with_logits" ? 1 / (1 + Math.Exp(-Output(i, 0))) : Output(i, 0);
            return [1 - p, p];
        }
        var row = new double[Width];
        double max = double.NegativeInfinity, sum = 0;
        for (int j = 0; j < Width; j++) max = Math.Max(max, Output(i, j));
        for (int j = 0; j < Width; j++) sum += row[j] = Math.Exp(Output(i, j) - max);
        for (int j = 0; j < Width; j++) row[j] /= sum;
        return row;
    }

    /// <summary>Predicted class of row <paramref name="i"/>.</summary>
    public int PredictedClass(int i)
    {
        var p = Probabilities(i);
        int best = 0;
        for (int j = 1; j < p.Length; j++) if (p[j] > p[best]) best = j;
        return best;
    }

    /// <summary>
    /// CSV text: <c>row,class,class_name,p_&lt;name&gt;...</c> for classifiers, <c>row,prediction</c> (or
    /// <c>prediction_0</c>, ...) for regression; rows count from 0 in input order.
    /// </summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        if (Classes > 0)
        {
            sb.Append("row,class,class_name");
            for (int c = 0; c < Classes; c++) sb.Append(",p_").Append(Csv(c < ClassNames.Count ? ClassNames[c] : c.ToString(CultureInfo.InvariantCulture)));
            sb.Append('\n');
            for (int i = 0; i < Rows; i++)
            {
                var p = Probabilities(i);
                int k = PredictedClass(i);
                sb.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').Append(k.ToString(CultureInfo.InvariantCulture))
                  .Append(',').Append(Csv(k < ClassNames.Count ? ClassNames[k] : k.ToString(CultureInfo.InvariantCulture)));
                foreach (var v in p) sb.Append(',').Append(v.ToString("G6", CultureInfo.InvariantCulture));
                sb.Append('\n');
            }
            return sb.ToString();
        }
        sb.Append("row");
        for (int j = 0; j < Width; j++) sb.Append(Width == 1 ? ",prediction" : $",prediction_{j}");
        sb.Append('\n');
        for (int i = 0; i < Rows; i++)
        {
            sb.Append(i.ToString(CultureInfo.InvariantCulture));
            for (int j = 0; j < Width; j++) sb.Append(',').Append(Output(i, j).ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
