namespace Descent.Search.Trace;

/// <summary>
/// A syntax error in an <see cref="Expression"/>: the message names the problem and shows the text with a caret under
/// the offending character, e.g.
/// <code>
/// unexpected character '$' at position 5
///   x^2 $ 3
///       ^
/// </code>
/// </summary>
public sealed class ExpressionParseException : FormatException
{
    /// <summary>Creates the exception for <paramref name="text"/> at <paramref name="position"/> (0-based).</summary>
    public ExpressionParseException(string problem, string text, int position)
        : base(Format(problem, text, position))
    {
        Problem = problem;
        Text = text;
        Position = position;
    }

    /// <summary>What is wrong, without the caret display.</summary>
    public string Problem { get; }

    /// <summary>The expression text.</summary>
    public string Text { get; }

    /// <summary>0-based index of the offending character (the text's length for "unexpected end").</summary>
    public int Position { get; }

    private static string Format(string problem, string text, int position) =>
        $"{problem} at position {position + 1}{Environment.NewLine}  {text}{Environment.NewLine}  {new string(' ', Math.Clamp(position, 0, text.Length))}^";
}
