using System.Globalization;

namespace Agents.Core.Answers;

/// <summary>
/// Parses a normalised LaTeX answer into a <see cref="MathNode"/> tree: lists, relations (<c>= &lt; ≤ &gt; ≥ ≠ \in</c>),
/// unions, tuples, sets, intervals, matrices, <c>±</c>, arithmetic with implicit multiplication, <c>\frac</c>,
/// <c>\sqrt[n]{}</c>, functions, <c>|x|</c>, <c>!</c>, <c>\%</c> and <c>\text{}</c> words.
/// </summary>
/// <remarks>Never throws to callers: <see cref="TryParse"/> returns null on any failure; input length, nesting depth and
/// tree size are capped so that hostile input is cheap.</remarks>
internal sealed class MathParser : LatexScanner
{
    /// <summary>The longest answer the parser reads.</summary>
    public const int MaxLength = 2000;

    /// <summary>The deepest nesting it follows.</summary>
    public const int MaxDepth = 80;

    /// <summary>The most nodes a tree may have.</summary>
    public const int MaxNodes = 3000;

    private static readonly string[] Functions =
    [
        "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "sec", "csc", "cot", "ln", "log", "lg", "exp",
    ];

    private static readonly Dictionary<string, string> RelationMacros = new(StringComparer.Ordinal)
    {
        ["leq"] = "<=", ["le"] = "<=", ["leqslant"] = "<=", ["geq"] = ">=", ["ge"] = ">=", ["geqslant"] = ">=", ["neq"] = "!=", ["ne"] = "!=",
        ["lt"] = "<", ["gt"] = ">", ["in"] = "in",
    };

    private int _depth;
    private int _nodes;
    private int _absDepth;
    private bool _failed;

    private MathParser(string s)
        : base(s)
    {
    }

    /// <summary>The tree of a normalised answer, or null when it does not parse.</summary>
    public static MathNode? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return null;
        }

        try
        {
            var p = new MathParser(text);
            var node = p.ParseList();
            p.SkipIgnorable();
            return p._failed || p._pos != p._s.Length || node is null ? null : node;
        }
        catch (Exception ex) when (ex is InsecureParseException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private sealed class InsecureParseException : Exception
    {
    }

    private T? Fail<T>()
        where T : class
    {
        _failed = true;
        return null;
    }

    private T Node<T>(T node)
        where T : MathNode
    {
        if (++_nodes > MaxNodes)
        {
            throw new InsecureParseException();
        }

        return node;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new InsecureParseException();
        }
    }

    private MathNode? ParseList()
    {
        Enter();
        var items = new List<MathNode>();
        var first = ParseRelation();
        if (first is null)
        {
            return null;
        }

        items.Add(first);
        while (!_failed)
        {
            SkipIgnorable();
            if (!(Eat(',') || Eat(';')))
            {
                break;
            }

            SkipIgnorable();
            if (AtEnd() || Peek() is ')' or ']' or '}')
            {
                break; // a trailing separator
            }

            var next = ParseRelation();
            if (next is null)
            {
                return null;
            }

            items.Add(next);
        }

        _depth--;
        return items.Count == 1 ? items[0] : Node(new CollectionNode(CollectionKind.List, [.. items]));
    }

    private MathNode? ParseRelation()
    {
        var first = ParseUnion();
        if (first is null)
        {
            return null;
        }

        var operands = new List<MathNode> { first };
        var ops = new List<string>();
        while (!_failed)
        {
            SkipIgnorable();
            var op = ReadRelationOp();
            if (op is null)
            {
                break;
            }

            var next = ParseUnion();
            if (next is null)
            {
                return null;
            }

            ops.Add(op);
            operands.Add(next);
        }

        return ops.Count == 0 ? first : Node(new RelationNode([.. operands], [.. ops]));
    }

    private string? ReadRelationOp()
    {
        if (EatText("<=") || EatText("=<"))
        {
            return "<=";
        }

        if (EatText(">=") || EatText("=>"))
        {
            return ">=";
        }

        if (EatText("!="))
        {
            return "!=";
        }

        if (Eat('='))
        {
            return "=";
        }

        if (Eat('<'))
        {
            return "<";
        }

        if (Eat('>'))
        {
            return ">";
        }

        if (Peek() == '\\')
        {
            var save = _pos;
            var name = ReadMacro();
            if (RelationMacros.TryGetValue(name, out var op))
            {
                return op;
            }

            _pos = save;
        }

        return null;
    }

    private MathNode? ParseUnion()
    {
        var first = ParseSum();
        if (first is null)
        {
            return null;
        }

        var parts = new List<MathNode> { first };
        while (!_failed)
        {
            SkipIgnorable();
            var save = _pos;
            if (Peek() == '\\' && ReadMacro() == "cup")
            {
                var next = ParseSum();
                if (next is null)
                {
                    return null;
                }

                parts.Add(next);
                continue;
            }

            _pos = save;
            break;
        }

        return parts.Count == 1 ? first : Node(new UnionNode([.. parts]));
    }

    private MathNode? ParseSum()
    {
        Enter();
        var left = ParseTerm();
        while (left is not null && !_failed)
        {
            SkipIgnorable();
            if (Eat('+'))
            {
                left = Bin('+', left, ParseTerm());
            }
            else if (Eat('-'))
            {
                left = Bin('-', left, ParseTerm());
            }
            else if (EatMacro("pm"))
            {
                var right = ParseTerm();
                left = right is null ? null : Node(new PlusMinusNode(left, right));
            }
            else if (EatMacro("mp"))
            {
                var right = ParseTerm();
                left = right is null ? null : Node(new PlusMinusNode(left, Node(new NegNode(right))));
            }
            else
            {
                break;
            }
        }

        _depth--;
        return left;
    }

    private MathNode? Bin(char op, MathNode? left, MathNode? right, bool isImplicit = false) =>
        left is null || right is null ? Fail<MathNode>() : Node(new BinNode(op, left, right, isImplicit));

    private MathNode? ParseTerm()
    {
        var left = ParseUnary();
        while (left is not null && !_failed)
        {
            SkipIgnorable();
            if (Eat('*') || EatMacro("cdot") || EatMacro("times") || Eat('×') || Eat('·'))
            {
                left = Bin('*', left, ParseUnary());
            }
            else if (Eat('/') || EatMacro("div") || Eat('÷') || (Peek() == ':' && Peek(1) != '=' && Eat(':')))
            {
                left = Bin('/', left, ParseUnary());
            }
            else if (StartsImplicitFactor())
            {
                left = Bin('*', left, ParsePower(), isImplicit: true);
            }
            else
            {
                break;
            }
        }

        return left;
    }

    private MathNode? ParseUnary()
    {
        Enter();
        SkipIgnorable();
        MathNode? v;
        if (Eat('-') || Eat('−'))
        {
            var arg = ParseUnary();
            v = arg is null ? null : Node(new NegNode(arg));
        }
        else if (Eat('+'))
        {
            v = ParseUnary();
        }
        else if (EatMacro("pm"))
        {
            var arg = ParseUnary();
            v = arg is null ? null : Node(new PlusMinusNode(Node(new NumNode(0, "0", 0)), arg));
        }
        else
        {
            v = ParsePower();
        }

        _depth--;
        return v;
    }

    private MathNode? ParsePower()
    {
        var b = ParsePostfix();
        SkipIgnorable();
        if (b is null || !Eat('^'))
        {
            return b;
        }

        var e = ParseExponent();
        var result = Bin('^', b, e);
        return result is null ? null : ApplyPostfix(result);
    }

    private MathNode? ParseExponent()
    {
        SkipIgnorable();
        if (Peek() is >= '0' and <= '9')
        {
            var c = _s[_pos++];
            return Node(new NumNode(c - '0', c.ToString(), 0));
        }

        if (Eat('-'))
        {
            var arg = ParseExponent();
            return arg is null ? null : Node(new NegNode(arg));
        }

        return ParsePostfix();
    }

    private MathNode? ParsePostfix()
    {
        var v = ParsePrimary();
        return v is null ? null : ApplyPostfix(v);
    }

    private MathNode? ApplyPostfix(MathNode v)
    {
        while (!_failed)
        {
            SkipIgnorable();
            if (EatText("\\%") || Eat('%'))
            {
                v = Node(new PercentNode(v));
            }
            else if (Peek() == '!' && Peek(1) != '=')
            {
                _pos++;
                v = Node(new FuncNode("fact", v));
            }
            else if (Peek() == '\'' || Peek() == '"')
            {
                _pos++; // primes: f' is f
            }
            else if (Peek() == '_' && v is SymNode sym)
            {
                _pos++;
                var sub = ReadSubscript();
                if (sub is null)
                {
                    return Fail<MathNode>();
                }

                v = Node(new SymNode(sym.Name + "_" + sub));
            }
            else
            {
                break;
            }
        }

        return v;
    }

    private string? ReadSubscript()
    {
        SkipIgnorable();
        if (Eat('{'))
        {
            var start = _pos;
            var depth = 1;
            while (_pos < _s.Length && depth > 0)
            {
                depth += _s[_pos] == '{' ? 1 : _s[_pos] == '}' ? -1 : 0;
                _pos++;
            }

            return depth == 0 ? _s[start..(_pos - 1)].Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() : null;
        }

        return AtEnd() ? null : _s[_pos++].ToString().ToLowerInvariant();
    }

    private MathNode? ParsePrimary()
    {
        if (_failed)
        {
            return null;
        }

        Enter();
        SkipIgnorable();
        var c = Peek();
        MathNode? v;
        if (c is (>= '0' and <= '9') or '.')
        {
            v = ParseNumber();
        }
        else if (c is '(' or '[')
        {
            _pos++;
            v = ParseBracket(c);
        }
        else if (c == '{')
        {
            _pos++;
            v = ParseBraceGroup("}");
        }
        else if (c == '|' && _absDepth == 0)
        {
            _pos++;
            _absDepth++;
            var inner = ParseSum();
            _absDepth--;
            SkipIgnorable();
            v = inner is not null && Eat('|') ? Node(new FuncNode("abs", inner)) : Fail<MathNode>();
        }
        else if (c == '\\')
        {
            v = ParseMacroPrimary();
        }
        else if (char.IsLetter(c))
        {
            v = ParseLetter();
        }
        else if (c == '∞')
        {
            _pos++;
            v = Node(new ConstNode("oo", double.PositiveInfinity));
        }
        else if (c == 'π')
        {
            _pos++;
            v = Node(new ConstNode("pi", Math.PI));
        }
        else
        {
            v = Fail<MathNode>();
        }

        _depth--;
        return v;
    }

    private MathNode? ParseBracket(char open)
    {
        SkipIgnorable();
        var inner = ParseList();
        SkipIgnorable();
        if (inner is null)
        {
            return null;
        }

        var close = Peek();
        if (close is not (')' or ']'))
        {
            return Fail<MathNode>();
        }

        _pos++;
        var items = inner is CollectionNode { Kind: CollectionKind.List } list ? list.Items : [inner];
        if (items.Length == 1)
        {
            return open == '(' && close == ')' ? inner : open == '[' && close == ']' ? inner : Fail<MathNode>();
        }

        if (open == '(' && close == ')')
        {
            return Node(new CollectionNode(CollectionKind.Paren, items));
        }

        return items.Length == 2
            ? Node(new CollectionNode(CollectionKind.Interval, items, open == '[', close == ']'))
            : open == '[' && close == ']' ? Node(new CollectionNode(CollectionKind.Paren, items)) : Fail<MathNode>();
    }

    private MathNode? ParseBraceGroup(string close)
    {
        SkipIgnorable();
        if (EatText(close))
        {
            return Node(new CollectionNode(CollectionKind.Set, []));
        }

        var inner = ParseList();
        SkipIgnorable();
        if (inner is null || !EatText(close))
        {
            return Fail<MathNode>();
        }

        if (close == "\\}")
        {
            var items = inner is CollectionNode { Kind: CollectionKind.List } l ? l.Items : [inner];
            return Node(new CollectionNode(CollectionKind.Set, items));
        }

        return inner is CollectionNode { Kind: CollectionKind.List } list ? Node(new CollectionNode(CollectionKind.Set, list.Items)) : inner;
    }

    private MathNode? ParseMacroPrimary()
    {
        var save = _pos;
        var name = ReadMacro();
        switch (name)
        {
            case "frac" or "dfrac" or "tfrac" or "cfrac":
                return Bin('/', ParseArgument(), ParseArgument());
            case "binom" or "dbinom" or "tbinom":
                var n = ParseArgument();
                var k = ParseArgument();
                return n is null || k is null
                    ? Fail<MathNode>()
                    : Bin('/', Node(new FuncNode("fact", n)), Bin('*', Node(new FuncNode("fact", k)), Node(new FuncNode("fact", Node(new BinNode('-', n, k))))));
            case "sqrt":
                SkipIgnorable();
                MathNode? degree = null;
                if (Eat('['))
                {
                    degree = ParseSum();
                    SkipIgnorable();
                    if (degree is null || !Eat(']'))
                    {
                        return Fail<MathNode>();
                    }
                }

                var radicand = ParseArgument();
                if (radicand is null)
                {
                    return null;
                }

                return degree is null
                    ? Node(new FuncNode("sqrt", radicand))
                    : Bin('^', radicand, Bin('/', Node(new NumNode(1, "1", 0)), degree));
            case "pi":
                return Node(new ConstNode("pi", Math.PI));
            case "infty" or "infin" or "infinity":
                return Node(new ConstNode("oo", double.PositiveInfinity));
            case "{":
                return ParseBraceGroup("\\}");
            case "text":
                return ParseText();
            case "begin":
                _pos = save;
                return ParseMatrix();
            case "lfloor":
                return ParseDelimited("rfloor", "floor");
            case "lceil":
                return ParseDelimited("rceil", "ceil");
            case "vert" or "lvert" or "mid":
                return ParseDelimitedBars();
            case "e" or "mathrm" or "mathit":
                return ParseArgument();
            case "circ" or "degree":
                return Node(new NumNode(1, "1", 0));
            default:
                if (Array.IndexOf(Functions, name) >= 0)
                {
                    return ParseFunction(name);
                }

                if (name.Length > 1 && name.All(char.IsAsciiLetter) && IsGreek(name))
                {
                    return Node(new SymNode(name.ToLowerInvariant()));
                }

                return Fail<MathNode>();
        }
    }

    private static bool IsGreek(string name) => name is "alpha" or "beta" or "gamma" or "delta" or "epsilon" or "varepsilon" or "zeta" or "eta"
        or "theta" or "vartheta" or "iota" or "kappa" or "lambda" or "mu" or "nu" or "xi" or "rho" or "sigma" or "tau" or "upsilon"
        or "phi" or "varphi" or "chi" or "psi" or "omega" or "Gamma" or "Delta" or "Theta" or "Lambda" or "Sigma" or "Phi" or "Psi" or "Omega";

    private MathNode? ParseDelimited(string closeMacro, string func)
    {
        var inner = ParseSum();
        SkipIgnorable();
        return inner is not null && EatMacro(closeMacro) ? Node(new FuncNode(func, inner)) : Fail<MathNode>();
    }

    private MathNode? ParseDelimitedBars()
    {
        var inner = ParseSum();
        SkipIgnorable();
        return inner is not null && (EatMacro("vert") || EatMacro("rvert") || EatMacro("mid")) ? Node(new FuncNode("abs", inner)) : Fail<MathNode>();
    }

    private MathNode? ParseFunction(string name)
    {
        SkipIgnorable();
        MathNode? power = null;
        if (Eat('^'))
        {
            power = ParseExponent();
            if (power is null)
            {
                return null;
            }
        }

        SkipIgnorable();
        if (name == "log" && Eat('_'))
        {
            var baseNode = ParseExponent();
            var arg0 = ParseFunctionArgument();
            if (baseNode is null || arg0 is null)
            {
                return Fail<MathNode>();
            }

            return Bin('/', Node(new FuncNode("ln", arg0)), Node(new FuncNode("ln", baseNode)));
        }

        var arg = ParseFunctionArgument();
        if (arg is null)
        {
            return null;
        }

        MathNode f = Node(new FuncNode(name, arg));
        if (power is not null)
        {
            f = power is NegNode { Arg: NumNode { Value: 1 } } && name is "sin" or "cos" or "tan"
                ? Node(new FuncNode("arc" + name, arg))
                : Node(new BinNode('^', f, power));
        }

        return f;
    }

    private MathNode? ParseFunctionArgument()
    {
        SkipIgnorable();
        if (Peek() is '(' or '{')
        {
            return ParsePostfix();
        }

        // \sin 2x: the argument runs over a product of plain factors.
        var arg = ParsePower();
        while (arg is not null && !_failed)
        {
            SkipIgnorable();
            var c = Peek();
            if (char.IsAsciiLetter(c) || c is >= '0' and <= '9')
            {
                arg = Bin('*', arg, ParsePower(), isImplicit: true);
            }
            else
            {
                break;
            }
        }

        return arg;
    }

    private MathNode? ParseText()
    {
        SkipIgnorable();
        if (!Eat('{'))
        {
            return Fail<MathNode>();
        }

        var start = _pos;
        var depth = 1;
        while (_pos < _s.Length && depth > 0)
        {
            depth += _s[_pos] == '{' ? 1 : _s[_pos] == '}' ? -1 : 0;
            _pos++;
        }

        if (depth != 0)
        {
            return Fail<MathNode>();
        }

        var text = _s[start..(_pos - 1)];
        var word = new string([.. text.Where(ch => !char.IsWhiteSpace(ch) && ch is not '(' and not ')' and not '.')]).ToLowerInvariant();
        if (word.Length == 0)
        {
            return Fail<MathNode>();
        }

        if (word == "e")
        {
            return Node(new ConstNode("e", Math.E));
        }

        var inner = word.All(char.IsAsciiLetterOrDigit) ? null : TryParse(text.Trim());
        return inner is not null && inner.Size < 50 ? inner : Node(new TextNode(word));
    }

    private MathNode? ParseMatrix()
    {
        ReadMacro(); // begin
        SkipIgnorable();
        if (!Eat('{'))
        {
            return Fail<MathNode>();
        }

        var envStart = _pos;
        while (_pos < _s.Length && _s[_pos] != '}')
        {
            _pos++;
        }

        if (AtEnd())
        {
            return Fail<MathNode>();
        }

        var env = _s[envStart.._pos];
        _pos++;
        if (env == "array")
        {
            SkipIgnorable();
            if (Eat('{'))
            {
                while (_pos < _s.Length && _s[_pos] != '}')
                {
                    _pos++;
                }

                _pos++;
            }
        }

        var end = "\\end{" + env + "}";
        var stop = _s.IndexOf(end, _pos, StringComparison.Ordinal);
        if (stop < 0)
        {
            return Fail<MathNode>();
        }

        var body = _s[_pos..stop];
        _pos = stop + end.Length;
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<MathNode>>();
        foreach (var rowText in body.Split("\\\\"))
        {
            if (string.IsNullOrWhiteSpace(rowText))
            {
                continue;
            }

            var cells = ImmutableArray.CreateBuilder<MathNode>();
            foreach (var cellText in rowText.Split('&'))
            {
                var cell = TryParse(cellText.Trim());
                if (cell is null)
                {
                    return Fail<MathNode>();
                }

                _nodes += cell.Size;
                cells.Add(cell);
            }

            rows.Add(cells.ToImmutable());
        }

        return rows.Count == 0 ? Fail<MathNode>() : Node(new MatrixNode(rows.ToImmutable()));
    }

    private MathNode? ParseLetter()
    {
        var c = _s[_pos];
        foreach (var word in new[] { "sqrt", "pi", "infty", "inf", "oo" })
        {
            if (string.CompareOrdinal(_s, _pos, word, 0, word.Length) == 0 && !IsLetterAt(_pos + word.Length))
            {
                _pos += word.Length;
                return word switch
                {
                    "sqrt" => ParseFunctionArgument() is { } a ? Node(new FuncNode("sqrt", a)) : Fail<MathNode>(),
                    "pi" => Node(new ConstNode("pi", Math.PI)),
                    _ => Node(new ConstNode("oo", double.PositiveInfinity)),
                };
            }
        }

        foreach (var f in Functions)
        {
            if (string.CompareOrdinal(_s, _pos, f, 0, f.Length) == 0 && Peek(f.Length) == '(')
            {
                _pos += f.Length;
                return ParseFunction(f);
            }
        }

        _pos++;
        if (c == 'e' && !IsLetterAt(_pos) && !IsLetterAt(_pos - 2))
        {
            return Node(new ConstNode("e", Math.E));
        }

        return Node(new SymNode(char.ToLowerInvariant(c).ToString()));
    }

    private bool IsLetterAt(int i) => i >= 0 && i < _s.Length && char.IsAsciiLetter(_s[i]);

    private MathNode? ParseArgument()
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
            return Node(new NumNode(c - '0', c.ToString(), 0));
        }

        if (c == '\\')
        {
            return ParsePrimary();
        }

        if (char.IsAsciiLetter(c))
        {
            _pos++;
            return Node(new SymNode(char.ToLowerInvariant(c).ToString()));
        }

        return Fail<MathNode>();
    }

    private MathNode? ParseNumber()
    {
        var start = _pos;
        while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
        {
            _pos++;
        }

        var decimals = 0;
        if (_pos < _s.Length && _s[_pos] == '.' && _pos + 1 < _s.Length && char.IsAsciiDigit(_s[_pos + 1]))
        {
            _pos++;
            var d = _pos;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
            {
                _pos++;
            }

            decimals = _pos - d;
        }
        else if (_pos < _s.Length && _s[_pos] == '.' && _pos > start && !(_pos + 1 < _s.Length && char.IsAsciiLetter(_s[_pos + 1])))
        {
            _pos++; // "5." is 5
        }

        // Scientific notation written as 1.2E3 (not e, which is Euler's number after a digit: 2e).
        if (_pos + 1 < _s.Length && _s[_pos] == 'E' && (char.IsAsciiDigit(_s[_pos + 1]) || (_s[_pos + 1] is '-' or '+' && _pos + 2 < _s.Length && char.IsAsciiDigit(_s[_pos + 2]))))
        {
            _pos += 2;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
            {
                _pos++;
            }

            var sci = _s[start.._pos];
            return double.TryParse(sci, NumberStyles.Float, CultureInfo.InvariantCulture, out var sv) ? Node(new NumNode(sv, sci, 1)) : Fail<MathNode>();
        }

        var token = _s[start.._pos].TrimEnd('.');
        if (token.Length == 0 || token == ".")
        {
            return Fail<MathNode>();
        }

        if (token.StartsWith('.'))
        {
            token = "0" + token;
        }

        var value = double.Parse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var mixed = TryMixedFraction(token, value, decimals);
        return mixed is not null ? mixed : Node(new NumNode(value, token, decimals));
    }

    /// <summary><c>2\frac{1}{2}</c> (a whole number directly followed by a proper numeric fraction) is 5/2.</summary>
    private BinNode? TryMixedFraction(string token, double value, int decimals)
    {
        if (decimals != 0 || _pos >= _s.Length || !(_s.AsSpan(_pos).StartsWith("\\frac") || _s.AsSpan(_pos).StartsWith(" \\frac")))
        {
            return null;
        }

        var save = _pos;
        var saveNodes = _nodes;
        SkipIgnorable();
        ReadMacro();
        var n = ParseArgument();
        var d = ParseArgument();
        if (n is NumNode { IsInteger: true } nn && d is NumNode { IsInteger: true } dn && nn.Value < dn.Value && dn.Value > 0 && EndsOperand())
        {
            return Node(new BinNode('+', Node(new NumNode(value, token, 0)), Node(new BinNode('/', nn, dn))));
        }

        _pos = save;
        _nodes = saveNodes;
        _failed = false;
        return null;
    }

    private bool EndsOperand()
    {
        var save = _pos;
        SkipIgnorable();
        var end = AtEnd() || Peek() is ',' or ';' or ')' or ']' or '}';
        _pos = save;
        return end;
    }

    private bool StartsImplicitFactor()
    {
        var c = Peek();
        if (c is '(' or '{' or '[' && c != '[' || char.IsLetter(c) || c is 'π' or '∞')
        {
            return true;
        }

        if (c == '|')
        {
            return _absDepth == 0;
        }

        if (c is >= '0' and <= '9')
        {
            // "x 2" is not a product, but "2^{x}3" style juxtaposition after a closing group is rare; only after letters.
            return _pos > 0 && (char.IsLetter(_s[_pos - 1]) || _s[_pos - 1] is '}' or ')');
        }

        if (c != '\\')
        {
            return false;
        }

        var save = _pos;
        var name = ReadMacro();
        _pos = save;
        return name is "frac" or "dfrac" or "tfrac" or "cfrac" or "sqrt" or "pi" or "text" or "binom" or "left" or "infty" or "lfloor" or "lceil" or "begin" or "{"
            || Array.IndexOf(Functions, name) >= 0 || IsGreek(name);
    }
}
