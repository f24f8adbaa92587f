using System.Globalization;

namespace Descent.Search.Trace;

/// <summary>
/// Recursive-descent parser for <see cref="Expression"/> (no code execution: the text only builds a small tree).
/// Grammar: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary | implicit unary)*;
/// unary := ('-'|'+') unary | power; power := primary (('^'|'**') unary)?; primary := number | constant | variable |
/// function '(' sum (',' sum)* ')' | '(' sum ')'. Implicit multiplication follows a number or ')' when the next token
/// is a name or '(' ("2x", "3(x+1)").
/// </summary>
internal sealed class ExpressionParser
{
    private readonly string _text;
    private readonly List<string> _variables = [];
    private readonly List<int> _variablePositions = [];
    private int _pos;

    private ExpressionParser(string text) => _text = text;

    public static (ExprNode Root, List<string> Variables, List<int> Positions) Parse(string text)
    {
        var p = new ExpressionParser(text);
        p.SkipSpaces();
        if (p._pos >= text.Length) throw p.Error("empty expression", 0);
        var root = p.ParseSum();
        p.SkipSpaces();
        if (p._pos < text.Length)
        {
            char c = p._text[p._pos];
            throw c == ')' ? p.Error("unmatched ')'", p._pos)
                : char.IsLetterOrDigit(c) || c is '(' or '.' ? p.Error($"unexpected '{c}': expected an operator", p._pos)
                : p.Error($"unexpected character '{c}'", p._pos);
        }
        return (root, p._variables, p._variablePositions);
    }

    private ExprNode ParseSum()
    {
        var left = ParseProduct();
        while (true)
        {
            SkipSpaces();
            if (Peek() is '+' or '-')
            {
                char op = _text[_pos++];
                left = new BinaryNode(op, left, ParseProduct());
            }
            else return left;
        }
    }

    private ExprNode ParseProduct()
    {
        var left = ParseUnary(out bool endsWithNumberOrParen);
        while (true)
        {
            SkipSpaces();
            char c = Peek();
            if ((c == '*' && PeekAt(1) != '*') || c == '/')
            {
                _pos++;
                left = new BinaryNode(c, left, ParseUnary(out endsWithNumberOrParen));
            }
            else if (endsWithNumberOrParen && (c == '(' || IsNameStart(c)))
            {
                left = new BinaryNode('*', left, ParseUnary(out endsWithNumberOrParen));
            }
            else return left;
        }
    }

    private ExprNode ParseUnary(out bool endsWithNumberOrParen)
    {
        SkipSpaces();
        if (Peek() is '-' or '+')
        {
            char op = _text[_pos++];
            var operand = ParseUnary(out endsWithNumberOrParen);
            return op == '-' ? new NegateNode(operand) : operand;
        }
        return ParsePower(out endsWithNumberOrParen);
    }

    private ExprNode ParsePower(out bool endsWithNumberOrParen)
    {
        var bas = ParsePrimary(out endsWithNumberOrParen);
        SkipSpaces();
        bool caret = Peek() == '^';
        bool stars = Peek() == '*' && PeekAt(1) == '*';
        if (!caret && !stars) return bas;
        _pos += caret ? 1 : 2;
        // Right-associative, binds tighter than unary minus on its left: -x^2 = -(x^2), 2^-x = 2^(-x).
        return new BinaryNode('^', bas, ParseUnary(out endsWithNumberOrParen));
    }

    private ExprNode ParsePrimary(out bool endsWithNumberOrParen)
    {
        SkipSpaces();
        int start = _pos;
        if (_pos >= _text.Length) throw Error("unexpected end of expression: expected a number, a name or '('", _pos);
        char c = _text[_pos];
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(PeekAt(1))))
        {
            endsWithNumberOrParen = true;
            return new NumberNode(ParseNumber());
        }
        if (c == '(')
        {
            _pos++;
            var inner = ParseSum();
            Expect(')', start);
            endsWithNumberOrParen = true;
            return inner;
        }
        if (IsNameStart(c))
        {
            endsWithNumberOrParen = false;
            string name = ParseName();
            bool call = Peek() == '(';
            if (FunctionNode.Arity.TryGetValue(name, out int arity))
            {
                if (!call) throw Error($"function '{name}' needs parentheses, e.g. {name}(x)", _pos);
                return ParseCall(name, arity, start);
            }
            if (call) throw Error($"unknown function '{name}' (known: {string.Join(", ", FunctionNode.Arity.Keys)})", start);
            if (name is "pi" or "π") return new NumberNode(Math.PI);
            if (name == "e") return new NumberNode(Math.E);
            int index = _variables.IndexOf(name);
            if (index < 0)
            {
                index = _variables.Count;
                _variables.Add(name);
                _variablePositions.Add(start);
            }
            return new VariableNode(index);
        }
        throw Error(c == ')' ? "unexpected ')': expected a number, a name or '('" : $"unexpected character '{c}'", _pos);
    }

    private FunctionNode ParseCall(string name, int arity, int start)
    {
        int open = _pos;
        _pos++;
        var args = new List<ExprNode> { ParseSum() };
        SkipSpaces();
        while (Peek() == ',')
        {
            _pos++;
            args.Add(ParseSum());
            SkipSpaces();
        }
        Expect(')', open);
        if (args.Count != arity)
            throw Error($"{name} takes {arity} argument{(arity == 1 ? "" : "s")}, got {args.Count}", start);
        return new FunctionNode(name, [.. args]);
    }

    private double ParseNumber()
    {
        int start = _pos;
        while (char.IsAsciiDigit(Peek())) _pos++;
        if (Peek() == '.') { _pos++; while (char.IsAsciiDigit(Peek())) _pos++; }
        if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(PeekAt(1)) || (PeekAt(1) is '+' or '-' && char.IsAsciiDigit(PeekAt(2)))))
        {
            _pos += 2;
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        var span = _text.AsSpan(start, _pos - start);
        if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw Error($"invalid number '{span}'", start);
        return v;
    }

    private string ParseName()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _text[start.._pos];
    }

    private void Expect(char c, int openedAt)
    {
        SkipSpaces();
        if (Peek() == c) { _pos++; return; }
        throw _pos >= _text.Length
            ? Error($"missing '{c}' to close the '(' at position {openedAt + 1}", _pos)
            : Error($"expected '{c}' but found '{_text[_pos]}'", _pos);
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private ExpressionParseException Error(string problem, int position) => new(problem, _text, position);
}
