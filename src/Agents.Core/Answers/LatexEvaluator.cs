using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>
/// Evaluates a small LaTeX (or plain-text) arithmetic expression to a number: numbers, <c>+ - * / ^</c>, unary minus,
/// parentheses and braces, <c>\frac</c>/<c>\dfrac</c>/<c>\tfrac</c>/<c>\cfrac</c> (also <c>\frac12</c>), <c>\sqrt{x}</c>,
/// <c>\sqrt[n]{x}</c>, <c>\sqrt2</c>, <c>\pi</c>, <c>\infty</c>, <c>\cdot</c>, <c>\times</c>, <c>\div</c>, <c>%</c>, <c>!</c>,
/// <c>\sin</c>/<c>\cos</c>/<c>\tan</c>/<c>\ln</c>/<c>\exp</c>, implicit multiplication (<c>2\pi</c>, <c>3\sqrt{2}</c>) and
/// unambiguous mixed numbers (<c>2 1/2</c>, <c>2\frac{1}{2}</c> as the whole input).
/// </summary>
/// <remarks>
/// There is no computer-algebra system in our package source, so symbolic equality (sympy <c>simplify</c> in the
/// reference graders) is approximated by <see cref="TryEvaluate(string, int, out double, out bool)"/>: single-letter
/// variables take fixed pseudo-random values, and callers compare two expressions at several such points.
/// The evaluator never throws, rejects inputs longer than <see cref="MaxLength"/> characters and nests at most
/// <see cref="MaxDepth"/> levels, so it cannot hang or overflow the stack.
/// </remarks>
public static partial class LatexEvaluator
{
    /// <summary>The longest input the evaluator accepts.</summary>
    public const int MaxLength = 1000;

    /// <summary>The deepest nesting the evaluator accepts.</summary>
    public const int MaxDepth = 60;

    /// <summary>Evaluates a constant expression; false when it is not a finite-or-infinite number we can compute.</summary>
    public static bool TryEvaluate(string? expression, out double value) => TryEvaluate(expression, -1, out value, out _);

    /// <summary>
    /// Evaluates an expression; with <paramref name="variablePoint"/> ≥ 0 single letters are variables with fixed values
    /// that depend on the letter and the point, otherwise letters make the evaluation fail.
    /// </summary>
    internal static bool TryEvaluate(string? expression, int variablePoint, out double value, out bool sawVariable)
    {
        value = double.NaN;
        sawVariable = false;
        if (string.IsNullOrWhiteSpace(expression) || expression.Length > MaxLength)
        {
            return false;
        }

        if (TryMixedNumber(expression, out value))
        {
            return true;
        }

        try
        {
            var parser = new Parser(expression, variablePoint);
            value = parser.ParseAll();
            sawVariable = parser.SawVariable;
            return !parser.Failed && !double.IsNaN(value);
        }
#pragma warning disable CA1031 // defensive: the parser reports failure by flag, and nothing it throws may reach a grader
        catch (Exception)
#pragma warning restore CA1031
        {
            value = double.NaN;
            return false;
        }
    }

    /// <summary>The value a variable letter takes at an evaluation point (deterministic, away from small integers).</summary>
    internal static double VariableValue(char letter, int point)
    {
        var h = (((uint)letter * 2654435761u) ^ ((uint)(point + 1) * 40503u)) % 10007u;
        return 0.3 + (h / 10007.0 * 2.4) + (point * 0.137);
    }

    private static bool TryMixedNumber(string s, out double value)
    {
        value = double.NaN;
        var m = MixedSlash().Match(s);
        if (!m.Success)
        {
            m = MixedFrac().Match(s);
        }

        if (!m.Success)
        {
            return false;
        }

        var whole = double.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture);
        var num = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var den = double.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
        if (den == 0 || num >= den)
        {
            return false;
        }

        value = (whole + (num / den)) * (m.Groups["s"].Value == "-" ? -1 : 1);
        return true;
    }

    [GeneratedRegex(@"^\s*(?<s>-?)\s*(?<w>\d+)\s+(?<n>\d+)\s*/\s*(?<d>\d+)\s*$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MixedSlash();

    [GeneratedRegex(@"^\s*(?<s>-?)\s*(?<w>\d+)\s*\\[dtc]?frac\s*\{\s*(?<n>\d+)\s*\}\s*\{\s*(?<d>\d+)\s*\}\s*$", RegexOptions.None, Agents.Core.RegexLimits.MatchTimeoutMs)]
    private static partial Regex MixedFrac();

    private sealed class Parser(string text, int variablePoint) : LatexScanner(text)
    {
        private readonly int _point = variablePoint;
        private int _depth;

        public bool Failed { get; private set; }

        public bool SawVariable { get; private set; }

        public double ParseAll()
        {
            var v = ParseExpr();
            SkipIgnorable();
            if (_pos != _s.Length)
            {
                return Fail();
            }

            return v;
        }

        private double Fail()
        {
            Failed = true;
            return double.NaN;
        }

        private bool Enter()
        {
            if (++_depth > MaxDepth)
            {
                Failed = true;
                return false;
            }

            return true;
        }

        private double ParseExpr()
        {
            if (!Enter())
            {
                return double.NaN;
            }

            var v = ParseTerm();
            while (!Failed)
            {
                SkipIgnorable();
                if (Eat('+'))
                {
                    v += ParseTerm();
                }
                else if (Eat('-'))
                {
                    v -= ParseTerm();
                }
                else
                {
                    break;
                }
            }

            _depth--;
            return v;
        }

        private double ParseTerm()
        {
            var v = ParseUnary();
            while (!Failed)
            {
                SkipIgnorable();
                if (Eat('*') || EatMacro("cdot") || EatMacro("times"))
                {
                    v *= ParseUnary();
                }
                else if (Eat('/') || EatMacro("div"))
                {
                    v /= ParseUnary();
                }
                else if (StartsImplicitFactor())
                {
                    v *= ParsePower();
                }
                else
                {
                    break;
                }
            }

            return v;
        }

        private double ParseUnary()
        {
            if (!Enter())
            {
                return double.NaN;
            }

            SkipIgnorable();
            double v;
            if (Eat('-'))
            {
                v = -ParseUnary();
            }
            else if (Eat('+'))
            {
                v = ParseUnary();
            }
            else
            {
                v = ParsePower();
            }

            _depth--;
            return v;
        }

        private double ParsePower()
        {
            var b = ParsePostfix();
            SkipIgnorable();
            if (Failed || !Eat('^'))
            {
                return b;
            }

            var exponents = new List<double> { ParseExponent() };
            SkipIgnorable();
            while (!Failed && Eat('^'))
            {
                exponents.Add(ParseExponent());
                SkipIgnorable();
            }

            var e = exponents[^1];
            for (var i = exponents.Count - 2; i >= 0; i--)
            {
                e = Math.Pow(exponents[i], e);
            }

            return Math.Pow(b, e);
        }

        private double ParseExponent()
        {
            SkipIgnorable();
            if (Peek() is >= '0' and <= '9')
            {
                return ParseNumber();
            }

            if (Eat('-'))
            {
                return -ParseExponent();
            }

            return ParsePostfix();
        }

        private double ParsePostfix()
        {
            var v = ParsePrimary();
            while (!Failed)
            {
                SkipIgnorable();
                if (Eat('%') || EatText("\\%"))
                {
                    v /= 100;
                }
                else if (Peek() == '!' && Peek(1) != '=')
                {
                    _pos++;
                    v = Factorial(v);
                }
                else
                {
                    break;
                }
            }

            return v;
        }

        private double ParsePrimary()
        {
            if (Failed || !Enter())
            {
                return double.NaN;
            }

            SkipIgnorable();
            var c = Peek();
            double v;
            if (c is (>= '0' and <= '9') or '.')
            {
                v = ParseNumber();
            }
            else if (Eat('('))
            {
                v = ParseExpr();
                v = Expect(')') ? v : Fail();
            }
            else if (Eat('{'))
            {
                v = ParseExpr();
                v = Expect('}') ? v : Fail();
            }
            else if (c == '\\')
            {
                v = ParseMacro();
            }
            else if (char.IsAsciiLetter(c))
            {
                v = ParseWord();
            }
            else
            {
                v = Fail();
            }

            _depth--;
            return v;
        }

        private double ParseMacro()
        {
            var name = ReadMacro();
            switch (name)
            {
                case "frac" or "dfrac" or "tfrac" or "cfrac":
                    var num = ParseArgument();
                    var den = ParseArgument();
                    return num / den;
                case "sqrt":
                    SkipIgnorable();
                    var degree = 2.0;
                    if (Eat('['))
                    {
                        degree = ParseExpr();
                        if (!Expect(']'))
                        {
                            return Fail();
                        }
                    }

                    return Root(ParseArgument(), degree);
                case "pi":
                    return Math.PI;
                case "infty" or "infin":
                    return double.PositiveInfinity;
                case "sin":
                    return Math.Sin(ParseFunctionArgument());
                case "cos":
                    return Math.Cos(ParseFunctionArgument());
                case "tan":
                    return Math.Tan(ParseFunctionArgument());
                case "ln":
                    return Math.Log(ParseFunctionArgument());
                case "exp":
                    return Math.Exp(ParseFunctionArgument());
                case "text" or "textrm" or "mathrm" or "textbf" or "mathbf" or "operatorname" or "textnormal" or "mbox":
                    SkipIgnorable();
                    if (Peek() == '{' && Peek(1) == 'e' && Peek(2) == '}')
                    {
                        _pos += 3;
                        return Math.E;
                    }

                    return ParseArgument();
                default:
                    return Fail();
            }
        }

        private double ParseWord()
        {
            if (EatText("sqrt"))
            {
                return Root(ParseFunctionArgument(), 2);
            }

            if (EatText("pi"))
            {
                return Math.PI;
            }

            if (EatText("infty") || EatText("inf"))
            {
                return double.PositiveInfinity;
            }

            if (_point < 0)
            {
                return Fail();
            }

            SawVariable = true;
            return VariableValue(_s[_pos++], _point);
        }

        private double ParseArgument()
        {
            SkipIgnorable();
            var c = Peek();
            if (c == '{')
            {
                return ParsePrimary();
            }

            if (c is >= '0' and <= '9')
            {
                _pos++;
                return c - '0';
            }

            if (c == '\\')
            {
                return ParsePrimary();
            }

            if (char.IsAsciiLetter(c) && _point >= 0)
            {
                _pos++;
                SawVariable = true;
                return VariableValue(c, _point);
            }

            return Fail();
        }

        private double ParseFunctionArgument()
        {
            SkipIgnorable();
            return Peek() is '(' or '{' ? ParsePrimary() : ParsePower();
        }

        private double ParseNumber()
        {
            var start = _pos;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
            {
                _pos++;
            }

            if (_pos < _s.Length && _s[_pos] == '.')
            {
                _pos++;
                while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
                {
                    _pos++;
                }
            }

            var token = _s[start.._pos];
            return token is "." or ""
                ? Fail()
                : double.Parse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        }

        private bool StartsImplicitFactor()
        {
            var c = Peek();
            if (c is '(' or '{' || char.IsAsciiLetter(c))
            {
                return true;
            }

            if (c != '\\')
            {
                return false;
            }

            var save = _pos;
            var name = ReadMacro();
            _pos = save;
            return name is "frac" or "dfrac" or "tfrac" or "cfrac" or "sqrt" or "pi" or "sin" or "cos" or "tan" or "ln" or "exp"
                or "text" or "mathrm" or "operatorname";
        }

        private bool Expect(char c)
        {
            SkipIgnorable();
            return Eat(c);
        }

        private static double Root(double x, double degree)
        {
            if (degree == 2)
            {
                return Math.Sqrt(x);
            }

            var odd = Math.Abs(degree % 2) == 1;
            return x < 0 && odd ? -Math.Pow(-x, 1 / degree) : Math.Pow(x, 1 / degree);
        }

        private double Factorial(double n)
        {
            if (n < 0 || n > 170 || n != Math.Floor(n))
            {
                return Fail();
            }

            var r = 1.0;
            for (var i = 2; i <= (int)n; i++)
            {
                r *= i;
            }

            return r;
        }
    }
}
