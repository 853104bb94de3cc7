using System.Globalization;
using System.Text;

namespace Agents.Core.Answers;

/// <summary>How a bracketed collection was written.</summary>
internal enum CollectionKind
{
    /// <summary>Comma-separated items with no brackets (<c>1, 2</c>): a set whose written order is kept.</summary>
    List,

    /// <summary><c>\{…\}</c> or <c>{a, b}</c>: a set.</summary>
    Set,

    /// <summary><c>(a, b, …)</c>: a tuple, or an open interval when it has two ascending ends.</summary>
    Paren,

    /// <summary><c>[a, b]</c>, <c>[a, b)</c>, <c>(a, b]</c>: an interval with the given ends.</summary>
    Interval,
}

/// <summary>A node of a parsed answer: an expression, a collection, a matrix or a relation (the expression tree every rule shares).</summary>
internal abstract record MathNode
{
    /// <summary>Nodes in this subtree (for the size cap).</summary>
    public abstract int Size { get; }
}

/// <summary>A number as written; <paramref name="Text"/> keeps the digits for exact integer comparison.</summary>
internal sealed record NumNode(double Value, string Text, int Decimals) : MathNode
{
    public bool IsInteger => Decimals == 0 && !Text.Contains('e', StringComparison.OrdinalIgnoreCase);

    public override int Size => 1;

    public override string ToString() => Text;
}

/// <summary>A named constant (π, e, ∞).</summary>
internal sealed record ConstNode(string Name, double Value) : MathNode
{
    public override int Size => 1;

    public override string ToString() => Name;
}

/// <summary>A variable (lower-cased; subscripts kept: <c>x_1</c>).</summary>
internal sealed record SymNode(string Name) : MathNode
{
    public override int Size => 1;

    public override string ToString() => Name;
}

/// <summary>Words from <c>\text{…}</c> (lower-cased, spaces removed).</summary>
internal sealed record TextNode(string Text) : MathNode
{
    public override int Size => 1;

    public override string ToString() => $"\"{Text}\"";
}

/// <summary>Unary minus.</summary>
internal sealed record NegNode(MathNode Arg) : MathNode
{
    public override int Size => 1 + Arg.Size;

    public override string ToString() => $"-({Arg})";
}

/// <summary>A binary operation: <c>+ - * / ^</c>; <paramref name="Implicit"/> marks juxtaposition (<c>2x</c>, <c>ab</c>).</summary>
internal sealed record BinNode(char Op, MathNode Left, MathNode Right, bool Implicit = false) : MathNode
{
    public override int Size => 1 + Left.Size + Right.Size;

    public override string ToString() => $"({Left} {Op} {Right})";
}

/// <summary><c>a ± b</c>: stands for the set {a + b, a − b}.</summary>
internal sealed record PlusMinusNode(MathNode Left, MathNode Right) : MathNode
{
    public override int Size => 1 + Left.Size + Right.Size;

    public override string ToString() => $"({Left} ± {Right})";
}

/// <summary>A function of one argument (sin, log, sqrt, abs, factorial, …).</summary>
internal sealed record FuncNode(string Name, MathNode Arg) : MathNode
{
    public override int Size => 1 + Arg.Size;

    public override string ToString() => $"{Name}({Arg})";
}

/// <summary>A value followed by <c>\%</c>: the value over 100, remembered as a percent.</summary>
internal sealed record PercentNode(MathNode Arg) : MathNode
{
    public override int Size => 1 + Arg.Size;

    public override string ToString() => $"{Arg}%";
}

/// <summary>A tuple, set, list or interval.</summary>
internal sealed record CollectionNode(CollectionKind Kind, ImmutableArray<MathNode> Items, bool LeftClosed = false, bool RightClosed = false) : MathNode
{
    public override int Size => 1 + Items.Sum(i => i.Size);

    public override string ToString() => Kind switch
    {
        CollectionKind.List => string.Join(", ", Items),
        CollectionKind.Set => "{" + string.Join(", ", Items) + "}",
        CollectionKind.Paren => "(" + string.Join(", ", Items) + ")",
        _ => (LeftClosed ? "[" : "(") + string.Join(", ", Items) + (RightClosed ? "]" : ")"),
    };
}

/// <summary>A union of intervals or sets (<c>\cup</c>).</summary>
internal sealed record UnionNode(ImmutableArray<MathNode> Parts) : MathNode
{
    public override int Size => 1 + Parts.Sum(i => i.Size);

    public override string ToString() => string.Join(" ∪ ", Parts);
}

/// <summary>A matrix written with <c>pmatrix</c>, <c>bmatrix</c> or <c>array</c>.</summary>
internal sealed record MatrixNode(ImmutableArray<ImmutableArray<MathNode>> Rows) : MathNode
{
    public override int Size => 1 + Rows.Sum(r => r.Sum(c => c.Size));

    public override string ToString() => "[" + string.Join("; ", Rows.Select(r => string.Join(" ", r))) + "]";
}

/// <summary>A relation or chain: operands joined by <c>= &lt; ≤ &gt; ≥ ≠ ∈</c>.</summary>
internal sealed record RelationNode(ImmutableArray<MathNode> Operands, ImmutableArray<string> Ops) : MathNode
{
    public override int Size => 1 + Operands.Sum(o => o.Size);

    public bool IsEquation => Ops.All(o => o is "=" or "in");

    public override string ToString()
    {
        var sb = new StringBuilder(Operands[0].ToString());
        for (var i = 0; i < Ops.Length; i++)
        {
            sb.Append(' ').Append(Ops[i]).Append(' ').Append(Operands[i + 1]);
        }

        return sb.ToString();
    }
}

/// <summary>Evaluates expression nodes to doubles; variables take values from a lookup.</summary>
internal static class MathEval
{
    /// <summary>The value of a scalar node; NaN when it is not a scalar or cannot be computed.</summary>
    public static double Eval(MathNode node, Func<string, double>? variables, int depth = 0)
    {
        if (depth > MathParser.MaxDepth)
        {
            return double.NaN;
        }

        var d = depth + 1;
        switch (node)
        {
            case NumNode n:
                return n.Value;
            case ConstNode c:
                return c.Value;
            case SymNode s:
                return variables is null ? double.NaN : variables(s.Name);
            case NegNode neg:
                return -Eval(neg.Arg, variables, d);
            case PercentNode p:
                return Eval(p.Arg, variables, d) / 100;
            case BinNode b:
                var l = Eval(b.Left, variables, d);
                if (double.IsNaN(l))
                {
                    return l;
                }

                var r = Eval(b.Right, variables, d);
                return b.Op switch
                {
                    '+' => l + r,
                    '-' => l - r,
                    '*' => l * r,
                    '/' => r == 0 ? double.NaN : l / r,
                    '^' => Pow(l, r),
                    _ => double.NaN,
                };
            case FuncNode f:
                var x = Eval(f.Arg, variables, d);
                return Apply(f.Name, x);
            default:
                return double.NaN;
        }
    }

    private static double Pow(double b, double e)
    {
        if (b < 0 && e != Math.Floor(e))
        {
            // Odd roots of negatives written as fractional powers (x^{1/3}).
            var inv = 1 / e;
            if (Math.Abs(inv - Math.Round(inv)) < 1e-9 && Math.Abs(Math.Round(inv) % 2) == 1)
            {
                return -Math.Pow(-b, e);
            }
        }

        return Math.Pow(b, e);
    }

    private static double Apply(string name, double x) => name switch
    {
        "sqrt" => Math.Sqrt(x),
        "cbrt" => Math.Cbrt(x),
        "abs" => Math.Abs(x),
        "sin" => Math.Sin(x),
        "cos" => Math.Cos(x),
        "tan" => Math.Tan(x),
        "sec" => 1 / Math.Cos(x),
        "csc" => 1 / Math.Sin(x),
        "cot" => 1 / Math.Tan(x),
        "arcsin" => Math.Asin(x),
        "arccos" => Math.Acos(x),
        "arctan" => Math.Atan(x),
        "sinh" => Math.Sinh(x),
        "cosh" => Math.Cosh(x),
        "tanh" => Math.Tanh(x),
        "ln" or "log" => Math.Log(x),
        "lg" => Math.Log10(x),
        "log2" => Math.Log2(x),
        "exp" => Math.Exp(x),
        "fact" => Factorial(x),
        "floor" => Math.Floor(x),
        "ceil" => Math.Ceiling(x),
        _ => double.NaN,
    };

    private static double Factorial(double n)
    {
        if (n < 0 || n > 170 || n != Math.Floor(n))
        {
            return double.NaN;
        }

        var r = 1.0;
        for (var i = 2; i <= (int)n; i++)
        {
            r *= i;
        }

        return r;
    }

    /// <summary>The free variables of a node.</summary>
    public static void Symbols(MathNode node, HashSet<string> into, int depth = 0)
    {
        if (depth > MathParser.MaxDepth)
        {
            return;
        }

        switch (node)
        {
            case SymNode s:
                into.Add(s.Name);
                break;
            case NegNode n:
                Symbols(n.Arg, into, depth + 1);
                break;
            case PercentNode p:
                Symbols(p.Arg, into, depth + 1);
                break;
            case BinNode b:
                Symbols(b.Left, into, depth + 1);
                Symbols(b.Right, into, depth + 1);
                break;
            case PlusMinusNode pm:
                Symbols(pm.Left, into, depth + 1);
                Symbols(pm.Right, into, depth + 1);
                break;
            case FuncNode f:
                Symbols(f.Arg, into, depth + 1);
                break;
            case CollectionNode c:
                foreach (var i in c.Items)
                {
                    Symbols(i, into, depth + 1);
                }

                break;
            case UnionNode u:
                foreach (var i in u.Parts)
                {
                    Symbols(i, into, depth + 1);
                }

                break;
            case RelationNode r:
                foreach (var i in r.Operands)
                {
                    Symbols(i, into, depth + 1);
                }

                break;
            case MatrixNode m:
                foreach (var c in m.Rows.SelectMany(r => r))
                {
                    Symbols(c, into, depth + 1);
                }

                break;
        }
    }

    /// <summary>The value a variable takes at an evaluation point: deterministic, seeded by the name and the point.</summary>
    public static double PointValue(string name, int point)
    {
        uint h = 2166136261;
        foreach (var c in name)
        {
            h = (h ^ c) * 16777619;
        }

        h = (h ^ (uint)(point + 1)) * 16777619;
        h ^= h >> 13;
        h *= 0x5bd1e995;
        h ^= h >> 15;
        return 0.35 + (h % 100003 / 100003.0 * 2.3);
    }

    /// <summary>Formats a double for explanations.</summary>
    public static string Show(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
}
