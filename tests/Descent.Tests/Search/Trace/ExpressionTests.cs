using Descent.Search.Trace;

namespace Descent.Tests.Search.Trace;

/// <summary>The safe expression parser: precedence, functions, exact gradients and errors that point at the character.</summary>
public class ExpressionTests
{
    [Theory]
    [InlineData("1 + 2*3", 7)]
    [InlineData("2^3^2", 512)]
    [InlineData("-2^2", -4)]
    [InlineData("2^-1", 0.5)]
    [InlineData("(1+2)*3", 9)]
    [InlineData("2x", 6)]
    [InlineData("3(x+1)", 12)]
    [InlineData("x**2", 9)]
    [InlineData("1e-2*x", 0.03)]
    [InlineData(".5x", 1.5)]
    [InlineData("max(x, 4) - min(x, 4)", 1)]
    [InlineData("pi*0 + e^0 + sqrt(x*3) + abs(-x) + exp(log(x))", 1 + 3 + 3 + 3)]
    public void EvaluatesWithUsualPrecedence(string text, double expected) =>
        Assert.Equal(expected, Expression.Parse(text, ["x"]).Evaluate([3.0]), 12);

    [Fact]
    public void VariablesAreOrderedXYThenByAppearance()
    {
        Assert.Equal(["x", "y"], Expression.Parse("y^2 + x").Variables);
        Assert.Equal(["theta"], Expression.Parse("theta^2").Variables);
        Assert.Equal(["θ"], Expression.Parse("θ^2 + 1").Variables);
        Assert.Equal(["b", "a"], Expression.Parse("b + a").Variables);
        Assert.Equal(["u", "v"], Expression.Parse("v*u", ["u", "v"]).Variables);
    }

    [Theory]
    [InlineData("(1 - x)^2 + 100*(y - x^2)^2", -1.2, 1.0)]
    [InlineData("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", 0.7, -0.4)]
    [InlineData("sin(x)*cos(y) + exp(-x*y) + log(x^2 + 1) + tanh(y) + sigmoid(x) + softplus(y) + atan(x)", 0.3, -1.1)]
    [InlineData("x^y + 2^x + sqrt(x) + abs(y) + x/y", 1.7, -0.6)]
    [InlineData("max(x, y)^2 + min(x, y)^3 + pow(x, 3) + log10(x) + log2(x) + sinh(y) + cosh(y) + tan(y)", 1.3, 0.4)]
    public void GradientsMatchCentralDifferences(string text, double x, double y)
    {
        var f = Expression.Parse(text);
        var grad = new double[2];
        double value = f.Gradient([x, y], grad);
        Assert.Equal(f.Evaluate([x, y]), value);
        const double h = 1e-6;
        Assert.Equal((f.Evaluate([x + h, y]) - f.Evaluate([x - h, y])) / (2 * h), grad[0], 5);
        Assert.Equal((f.Evaluate([x, y + h]) - f.Evaluate([x, y - h])) / (2 * h), grad[1], 5);
    }

    [Fact]
    public void PowersOfNegativeBasesAndKinksDifferentiate()
    {
        var grad = new double[1];
        Expression.Parse("x^2").Gradient([-3.0], grad);
        Assert.Equal(-6, grad[0]);
        Expression.Parse("x^3").Gradient([0.0], grad);
        Assert.Equal(0, grad[0]);
        Expression.Parse("abs(x)").Gradient([0.0], grad);
        Assert.Equal(0, grad[0]);
        Expression.Parse("2^x").Gradient([1.0], grad);
        Assert.Equal(2 * Math.Log(2), grad[0], 14);
    }

    [Theory]
    [InlineData("x^2 $ 3", 4, "unexpected character '$'")]
    [InlineData("x^2 + ", 6, "unexpected end of expression")]
    [InlineData("(x + 1", 6, "missing ')' to close the '(' at position 1")]
    [InlineData("x + 1)", 5, "unmatched ')'")]
    [InlineData("foo(x)", 0, "unknown function 'foo'")]
    [InlineData("sin x", 3, "function 'sin' needs parentheses")]
    [InlineData("max(x)", 0, "max takes 2 arguments, got 1")]
    [InlineData("x * * 2", 4, "unexpected character '*'")]
    [InlineData("", 0, "empty expression")]
    [InlineData("3 + 4", 0, "the expression has no variable")]
    [InlineData("2 3", 2, "unexpected '3'")]
    public void ErrorsPointAtTheOffendingCharacter(string text, int position, string problem)
    {
        var e = Assert.Throws<ExpressionParseException>(() => Expression.Parse(text));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Problem);
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal("  " + text, lines[1]);
        Assert.Equal(position + 2, lines[2].IndexOf('^'));
    }

    [Fact]
    public void UnknownVariablesAreRejectedWhenTheListIsGiven()
    {
        var e = Assert.Throws<ExpressionParseException>(() => Expression.Parse("x + z", ["x", "y"]));
        Assert.Equal(4, e.Position);
        Assert.Contains("unknown variable 'z'", e.Message);
        Assert.Throws<ArgumentException>(() => Expression.Parse("x + y").Evaluate([1.0]));
    }
}
