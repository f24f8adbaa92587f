using Descent.Tuning;

namespace Descent.Search.Trace;

/// <summary>
/// A differentiable scalar function of one or more named variables, parsed from text such as
/// <c>"(1-x)^2 + 100*(y-x^2)^2"</c> by a small safe parser (see <see cref="ExpressionParser"/> for the grammar:
/// + − * / ^ (or **), unary minus, implicit multiplication after numbers, pi, e, and sin cos tan asin acos atan sinh
/// cosh tanh exp log/ln log2 log10 sqrt abs sigmoid softplus pow max min). Gradients are exact, by forward-mode
/// differentiation on dual numbers.
/// </summary>
public sealed class Expression : IDifferentiableFunction
{
    private readonly ExprNode _root;
    private readonly int[] _coordinateOf;   // parser variable index → coordinate

    private Expression(string text, ExprNode root, string[] variables, int[] coordinateOf)
    {
        Text = text;
        _root = root;
        Variables = variables;
        _coordinateOf = coordinateOf;
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>
    /// The variables, in coordinate order: the list given to <see cref="Parse"/>, if any; otherwise
    /// x, y, z first when present, then the others in order of appearance.
    /// </summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>Number of variables.</summary>
    public int Dimension => Variables.Count;

    /// <summary>
    /// Parses <paramref name="text"/>. With <paramref name="variables"/>, only those names are allowed (an unknown name
    /// is an error pointing at it) and they define the coordinate order. Throws <see cref="ExpressionParseException"/>.
    /// </summary>
    public static Expression Parse(string text, IReadOnlyList<string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (root, found, positions) = ExpressionParser.Parse(text);
        string[] order;
        if (variables is not null)
        {
            for (int i = 0; i < found.Count; i++)
                if (!variables.Contains(found[i]))
                    throw new ExpressionParseException(
                        $"unknown variable '{found[i]}' (expected {string.Join(", ", variables)})", text, positions[i]);
            order = [.. variables];
        }
        else
        {
            string[] preferred = ["x", "y", "z"];
            order = [.. preferred.Where(found.Contains), .. found.Where(v => !preferred.Contains(v))];
        }
        if (order.Length == 0)
            throw new ExpressionParseException("the expression has no variable", text, 0);
        var coordinateOf = new int[found.Count];
        for (int i = 0; i < found.Count; i++) coordinateOf[i] = Array.IndexOf(order, found[i]);
        return new Expression(text, root, order, coordinateOf);
    }

    /// <summary>f at <paramref name="point"/> (one value per variable).</summary>
    public double Evaluate(ReadOnlySpan<double> point)
    {
        CheckPoint(point.Length);
        Span<Dual> vars = stackalloc Dual[_coordinateOf.Length];
        for (int i = 0; i < vars.Length; i++) vars[i] = Dual.Constant(point[_coordinateOf[i]]);
        return _root.Eval(vars).V;
    }

    /// <summary>Writes ∇f at <paramref name="point"/> into <paramref name="gradient"/> and returns f there.</summary>
    public double Gradient(ReadOnlySpan<double> point, Span<double> gradient)
    {
        CheckPoint(point.Length);
        if (gradient.Length != Dimension)
            throw new ArgumentException($"Gradient: {Dimension} variables but a span of {gradient.Length}.", nameof(gradient));
        Span<Dual> vars = stackalloc Dual[_coordinateOf.Length];
        double value = Evaluate(point);
        for (int d = 0; d < Dimension; d++)
        {
            for (int i = 0; i < vars.Length; i++)
                vars[i] = new Dual(point[_coordinateOf[i]], _coordinateOf[i] == d ? 1 : 0);
            gradient[d] = _root.Eval(vars).D;
        }
        return value;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private void CheckPoint(int length)
    {
        if (length != Dimension)
            throw new ArgumentException($"'{Text}' has {Dimension} variable(s) ({string.Join(", ", Variables)}) but got a point with {length} coordinate(s).");
    }
}
