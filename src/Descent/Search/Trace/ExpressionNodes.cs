namespace Descent.Search.Trace;

/// <summary>A node of a parsed expression, evaluated on dual numbers (value and one directional derivative).</summary>
internal abstract class ExprNode
{
    public abstract Dual Eval(ReadOnlySpan<Dual> variables);
}

internal sealed class NumberNode(double value) : ExprNode
{
    public override Dual Eval(ReadOnlySpan<Dual> variables) => Dual.Constant(value);
}

internal sealed class VariableNode(int index) : ExprNode
{
    public override Dual Eval(ReadOnlySpan<Dual> variables) => variables[index];
}

internal sealed class NegateNode(ExprNode operand) : ExprNode
{
    public override Dual Eval(ReadOnlySpan<Dual> variables) => -operand.Eval(variables);
}

internal sealed class BinaryNode(char op, ExprNode left, ExprNode right) : ExprNode
{
    public override Dual Eval(ReadOnlySpan<Dual> variables)
    {
        var a = left.Eval(variables);
        var b = right.Eval(variables);
        return op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' => a / b,
            _ => Dual.Pow(a, b),
        };
    }
}

internal sealed class FunctionNode(string name, ExprNode[] args) : ExprNode
{
    /// <summary>Known functions and their arities.</summary>
    public static readonly Dictionary<string, int> Arity = new(StringComparer.Ordinal)
    {
        ["sin"] = 1, ["cos"] = 1, ["tan"] = 1, ["asin"] = 1, ["acos"] = 1, ["atan"] = 1,
        ["sinh"] = 1, ["cosh"] = 1, ["tanh"] = 1, ["exp"] = 1, ["log"] = 1, ["ln"] = 1, ["log2"] = 1, ["log10"] = 1,
        ["sqrt"] = 1, ["abs"] = 1, ["sigmoid"] = 1, ["softplus"] = 1, ["pow"] = 2, ["max"] = 2, ["min"] = 2,
    };

    public override Dual Eval(ReadOnlySpan<Dual> variables)
    {
        var a = args[0].Eval(variables);
        double x = a.V;
        switch (name)
        {
            case "sin": return Dual.Chain(a, Math.Sin(x), Math.Cos(x));
            case "cos": return Dual.Chain(a, Math.Cos(x), -Math.Sin(x));
            case "tan": { double t = Math.Tan(x); return Dual.Chain(a, t, 1 + t * t); }
            case "asin": return Dual.Chain(a, Math.Asin(x), 1 / Math.Sqrt(1 - x * x));
            case "acos": return Dual.Chain(a, Math.Acos(x), -1 / Math.Sqrt(1 - x * x));
            case "atan": return Dual.Chain(a, Math.Atan(x), 1 / (1 + x * x));
            case "sinh": return Dual.Chain(a, Math.Sinh(x), Math.Cosh(x));
            case "cosh": return Dual.Chain(a, Math.Cosh(x), Math.Sinh(x));
            case "tanh": { double t = Math.Tanh(x); return Dual.Chain(a, t, 1 - t * t); }
            case "exp": { double e = Math.Exp(x); return Dual.Chain(a, e, e); }
            case "log" or "ln": return Dual.Chain(a, Math.Log(x), 1 / x);
            case "log2": return Dual.Chain(a, Math.Log2(x), 1 / (x * Math.Log(2)));
            case "log10": return Dual.Chain(a, Math.Log10(x), 1 / (x * Math.Log(10)));
            case "sqrt": { double s = Math.Sqrt(x); return Dual.Chain(a, s, 0.5 / s); }
            case "abs": return Dual.Chain(a, Math.Abs(x), x > 0 ? 1 : x < 0 ? -1 : 0);
            case "sigmoid": { double s = 1 / (1 + Math.Exp(-x)); return Dual.Chain(a, s, s * (1 - s)); }
            case "softplus": return Dual.Chain(a, x > 20 ? x : Math.Log(1 + Math.Exp(x)), 1 / (1 + Math.Exp(-x)));
        }
        var b = args[1].Eval(variables);
        return name switch
        {
            "pow" => Dual.Pow(a, b),
            // PyTorch's convention for max/min: the gradient goes to the selected argument.
            "max" => a.V >= b.V ? a : b,
            _ => a.V <= b.V ? a : b,
        };
    }
}
