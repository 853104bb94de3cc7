using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Agents.Core.Answers;

/// <summary>The verdict of one comparison and the rule that reached it (<c>decided_by</c>).</summary>
/// <param name="Equal">Whether the answers are equivalent.</param>
/// <param name="DecidedBy">The rule: <c>string</c>, <c>integer</c>, <c>number</c>, <c>number-rounded</c>, <c>percent</c>,
/// <c>expression-points</c>, <c>text</c>, <c>set</c>, <c>tuple</c>, <c>interval</c>, <c>matrix</c>, <c>assignment</c>,
/// <c>relation</c>, <c>solution-set</c>, <c>unparsed</c>, <c>no-answer</c>, <c>timeout</c>, <c>too-large</c>.</param>
public readonly record struct Verdict(bool Equal, string DecidedBy);

/// <summary>
/// The <see cref="EquivalenceMode.MathVerify"/> comparison: both answers are normalised (<see cref="MathNormalizer"/>),
/// parsed into one expression tree (<see cref="MathParser"/>) and compared by Math-Verify's rules (docs/grading.md).
/// </summary>
/// <remarks>
/// Symbolic equality is decided by evaluating both sides at several seeded points (no computer-algebra package exists in
/// our package source). Every comparison is capped: answers over <see cref="MathParser.MaxLength"/> characters are compared
/// as strings, trees over <see cref="MathParser.MaxNodes"/> nodes are rejected, and a comparison that runs past
/// <see cref="TimeBudget"/> is "not equal" (<c>timeout</c>).
/// </remarks>
internal static class MathVerifyEquivalence
{
    /// <summary>The longest one comparison may take.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromMilliseconds(200);

    private const int Points = 6;
    private const double RelativeTolerance = 1e-6;
    private const double PointTolerance = 1e-8;

    /// <summary>Compares a prediction answer with a gold answer (both already extracted).</summary>
    public static Verdict Compare(string? prediction, string? gold, List<(string Step, string Text)>? predTrace = null, List<(string Step, string Text)>? goldTrace = null)
    {
        try
        {
            return CompareUnguarded(prediction, gold, predTrace, goldTrace);
        }
        catch (RegexMatchTimeoutException)
        {
            return new(false, "timeout");
        }
    }

    private static Verdict CompareUnguarded(string? prediction, string? gold, List<(string Step, string Text)>? predTrace, List<(string Step, string Text)>? goldTrace)
    {
        if (string.IsNullOrWhiteSpace(prediction) || string.IsNullOrWhiteSpace(gold))
        {
            return new(false, "no-answer");
        }

        if (prediction.Length > MathParser.MaxLength * 4 || gold.Length > MathParser.MaxLength * 4)
        {
            return new(string.Equals(prediction.Trim(), gold.Trim(), StringComparison.Ordinal), "too-large");
        }

        if (predTrace is null && string.Equals(prediction.Trim(), gold.Trim(), StringComparison.Ordinal))
        {
            return new(true, "string");
        }

        var p = MathNormalizer.Normalize(prediction, predTrace);
        var g = MathNormalizer.Normalize(gold, goldTrace);
        if (p.Length == 0)
        {
            return new(false, "no-answer");
        }

        if (string.Equals(p, g, StringComparison.Ordinal))
        {
            return new(true, "string");
        }

        var pn = ParseWithFallback(p);
        var gn = ParseWithFallback(g);
        predTrace?.Add(("parsed", pn?.ToString() ?? "(does not parse)"));
        goldTrace?.Add(("parsed", gn?.ToString() ?? "(does not parse)"));
        if (pn is null || gn is null)
        {
            return new(string.Equals(Squash(p), Squash(g), StringComparison.OrdinalIgnoreCase), "unparsed");
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var ctx = new Context(clock);
            return ctx.Equal(pn, gn, 0);
        }
        catch (TimeoutException)
        {
            return new(false, "timeout");
        }
    }

    /// <summary>Parses; when that fails and the text is a chain of two or more <c>=</c> without commas, parses the last segment.</summary>
    private static MathNode? ParseWithFallback(string s)
    {
        var node = MathParser.TryParse(s);
        if (node is not null || s.Contains(',', StringComparison.Ordinal) || !s.Contains('=', StringComparison.Ordinal))
        {
            return node;
        }

        return MathParser.TryParse(s[(s.LastIndexOf('=') + 1)..].Trim());
    }

    private static string Squash(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c) && c is not '{' and not '}')]);

    private sealed class Context(Stopwatch clock)
    {
        private void Check()
        {
            if (clock.Elapsed > TimeBudget)
            {
                throw new TimeoutException();
            }
        }

        public Verdict Equal(MathNode p, MathNode g, int depth)
        {
            Check();
            if (depth > 20)
            {
                return new(false, "too-large");
            }

            p = ExpandPlusMinus(p);
            g = ExpandPlusMinus(g);

            // Assignments and equations (gold decides).
            if (p is RelationNode pr && g is not RelationNode)
            {
                if (pr.IsEquation && pr.Ops.All(o => o == "="))
                {
                    var v = Equal(pr.Operands[^1], g, depth + 1);
                    return v with { DecidedBy = v.Equal ? "assignment" : v.DecidedBy };
                }

                if (pr.Ops is ["in"] && IsSymbolic(pr.Operands[0]))
                {
                    return Equal(pr.Operands[1], g, depth + 1);
                }
            }

            if (g is RelationNode gr && p is not RelationNode)
            {
                if (gr.IsEquation && IsAssignmentTarget(gr.Operands[0]))
                {
                    var v = Equal(p, gr.Operands[^1], depth + 1);
                    return v with { DecidedBy = v.Equal ? "assignment" : v.DecidedBy };
                }

                if (!gr.IsEquation && IsSetLike(p))
                {
                    return SolutionSets(gr, p);
                }

                return new(false, "relation");
            }

            if (p is RelationNode pr2 && g is RelationNode gr2)
            {
                return Relations(pr2, gr2);
            }

            if (p is MatrixNode pm && g is MatrixNode gm)
            {
                return Matrices(pm, gm, depth);
            }

            if (p is MatrixNode || g is MatrixNode)
            {
                return new(false, "matrix");
            }

            if (p is UnionNode || g is UnionNode)
            {
                return Unions(p, g, depth);
            }

            if (p is CollectionNode || g is CollectionNode)
            {
                return Collections(p, g, depth);
            }

            return Scalars(p, g);
        }

        private static MathNode ExpandPlusMinus(MathNode n)
        {
            if (n is PlusMinusNode pm)
            {
                return new CollectionNode(CollectionKind.Set, [new BinNode('+', pm.Left, pm.Right), new BinNode('-', pm.Left, pm.Right)]);
            }

            if (n is BinNode { Op: '/' } b && b.Left is PlusMinusNode lp)
            {
                return new CollectionNode(CollectionKind.Set, [new BinNode('/', new BinNode('+', lp.Left, lp.Right), b.Right), new BinNode('/', new BinNode('-', lp.Left, lp.Right), b.Right)]);
            }

            if (n is CollectionNode c && c.Items.Any(i => i is PlusMinusNode))
            {
                var items = new List<MathNode>();
                foreach (var i in c.Items)
                {
                    if (ExpandPlusMinus(i) is CollectionNode { Kind: CollectionKind.Set } e && i is PlusMinusNode)
                    {
                        items.AddRange(e.Items);
                    }
                    else
                    {
                        items.Add(i);
                    }
                }

                return c with { Kind = CollectionKind.Set, Items = [.. items] };
            }

            return n;
        }

        /// <summary>Only symbols: x, f(x) (written f x), x_1, AB, (p, q), |AB|.</summary>
        private static bool IsAssignmentTarget(MathNode n) => n switch
        {
            SymNode => true,
            BinNode { Op: '*' } b => IsAssignmentTarget(b.Left) && IsAssignmentTarget(b.Right),
            BinNode { Op: '/' } b => IsAssignmentTarget(b.Left) && IsAssignmentTarget(b.Right),
            FuncNode { Name: "abs" } f => IsAssignmentTarget(f.Arg),
            CollectionNode c => c.Items.All(IsAssignmentTarget),
            _ => false,
        };

        private static bool IsSymbolic(MathNode n) => IsAssignmentTarget(n);

        private static bool IsSetLike(MathNode n) => n is UnionNode or CollectionNode { Kind: CollectionKind.Interval or CollectionKind.Paren or CollectionKind.Set };

        private Verdict Relations(RelationNode p, RelationNode g)
        {
            // Both assignments: compare Eq(first lhs, last rhs).
            if (p.IsEquation && g.IsEquation && IsAssignmentTarget(p.Operands[0]) && IsAssignmentTarget(g.Operands[0]))
            {
                var lhs = Equal(p.Operands[0], g.Operands[0], 1);
                if (lhs.Equal || SameText(p.Operands[0], g.Operands[0]))
                {
                    var v = Equal(p.Operands[^1], g.Operands[^1], 1);
                    return v with { DecidedBy = "assignment" };
                }
            }

            if (p.Ops.Length == g.Ops.Length && p.Ops.Length == 1)
            {
                var pc = Canonical(p.Operands[0], p.Ops[0], p.Operands[1]);
                var gc = Canonical(g.Operands[0], g.Ops[0], g.Operands[1]);
                if (pc is not null && gc is not null && pc.Value.Op == gc.Value.Op && Proportional(pc.Value.Diff, gc.Value.Diff, pc.Value.Op is "=" or "!="))
                {
                    return new(true, "relation");
                }
            }

            var vars = new HashSet<string>(StringComparer.Ordinal);
            MathEval.Symbols(p, vars);
            MathEval.Symbols(g, vars);
            if (vars.Count == 1)
            {
                return SolutionSets(g, p);
            }

            if (p.Ops.Length == g.Ops.Length)
            {
                // Chains written the same way: operand by operand.
                var same = p.Ops.SequenceEqual(g.Ops) && p.Operands.Zip(g.Operands).All(o => Equal(o.First, o.Second, 1).Equal);
                return new(same, "relation");
            }

            return new(false, "relation");
        }

        private static (string Op, MathNode Diff)? Canonical(MathNode left, string op, MathNode right) => op switch
        {
            "=" or "!=" or "<" or "<=" => (op, new BinNode('-', left, right)),
            ">" => ("<", new BinNode('-', right, left)),
            ">=" => ("<=", new BinNode('-', right, left)),
            _ => null,
        };

        /// <summary>a = c·b for one constant c (positive for inequalities) at every evaluation point.</summary>
        private bool Proportional(MathNode a, MathNode b, bool anySign)
        {
            var vars = new HashSet<string>(StringComparer.Ordinal);
            MathEval.Symbols(a, vars);
            MathEval.Symbols(b, vars);
            double? ratio = null;
            var valid = 0;
            for (var point = 0; point < Points; point++)
            {
                Check();
                var pt = point;
                var x = MathEval.Eval(a, name => MathEval.PointValue(name, pt));
                var y = MathEval.Eval(b, name => MathEval.PointValue(name, pt));
                if (!double.IsFinite(x) || !double.IsFinite(y))
                {
                    continue;
                }

                if (Math.Abs(y) < 1e-12)
                {
                    if (Math.Abs(x) > 1e-9)
                    {
                        return false;
                    }

                    valid++;
                    continue;
                }

                var r = x / y;
                if (ratio is null)
                {
                    ratio = r;
                }
                else if (Math.Abs(r - ratio.Value) > PointTolerance * Math.Max(1, Math.Abs(ratio.Value)))
                {
                    return false;
                }

                valid++;
            }

            return valid >= 2 && ratio is { } c && Math.Abs(c) > 1e-12 && (anySign || c > 0);
        }

        /// <summary>Compares the sets of values that satisfy two one-variable conditions by testing membership at many points.</summary>
        private Verdict SolutionSets(MathNode g, MathNode p)
        {
            var gm = Membership(g);
            var pm = Membership(p);
            if (gm is null || pm is null)
            {
                return new(false, "solution-set");
            }

            var samples = new SortedSet<double>();
            foreach (var c in Constants(g).Concat(Constants(p)))
            {
                if (double.IsFinite(c))
                {
                    samples.Add(c);
                    samples.Add(c - 1e-6);
                    samples.Add(c + 1e-6);
                    samples.Add(-c);
                }
            }

            for (var t = -30.0; t <= 30; t += 0.25)
            {
                samples.Add(t + 0.0123);
                samples.Add(Math.Round(t));
            }

            samples.Add(1e6);
            samples.Add(-1e6);
            var anyTrue = false;
            foreach (var t in samples)
            {
                Check();
                var a = gm(t);
                var b = pm(t);
                if (a is null || b is null)
                {
                    continue;
                }

                if (a != b)
                {
                    return new(false, "solution-set");
                }

                anyTrue |= a.Value;
            }

            return new(anyTrue, "solution-set");
        }

        private static IEnumerable<double> Constants(MathNode n)
        {
            switch (n)
            {
                case RelationNode r:
                    foreach (var o in r.Operands)
                    {
                        var v = MathEval.Eval(o, null);
                        if (!double.IsNaN(v))
                        {
                            yield return v;
                        }
                        else
                        {
                            foreach (var c in Constants(o))
                            {
                                yield return c;
                            }
                        }
                    }

                    break;
                case CollectionNode c:
                    foreach (var i in c.Items)
                    {
                        yield return MathEval.Eval(i, null);
                    }

                    break;
                case UnionNode u:
                    foreach (var part in u.Parts)
                    {
                        foreach (var v in Constants(part))
                        {
                            yield return v;
                        }
                    }

                    break;
                case BinNode b:
                    foreach (var v in Constants(b.Left).Concat(Constants(b.Right)))
                    {
                        yield return v;
                    }

                    break;
                case NumNode num:
                    yield return num.Value;
                    break;
            }
        }

        /// <summary>A membership test for a one-variable relation, an interval, a union or a finite set; null when it has none.</summary>
        private static Func<double, bool?>? Membership(MathNode n)
        {
            switch (n)
            {
                case UnionNode u:
                    var parts = u.Parts.Select(Membership).ToList();
                    return parts.Any(m => m is null) ? null : t =>
                    {
                        var any = false;
                        foreach (var m in parts)
                        {
                            var r = m!(t);
                            if (r is null)
                            {
                                return null;
                            }

                            any |= r.Value;
                        }

                        return any;
                    };
                case CollectionNode { Kind: CollectionKind.Interval or CollectionKind.Paren, Items.Length: 2 } c:
                    var lo = MathEval.Eval(c.Items[0], null);
                    var hi = MathEval.Eval(c.Items[1], null);
                    if (c.Items[0] is NegNode { Arg: ConstNode { Name: "oo" } })
                    {
                        lo = double.NegativeInfinity;
                    }

                    if (double.IsNaN(lo) || double.IsNaN(hi) || lo > hi)
                    {
                        return null;
                    }

                    var lc = c.Kind == CollectionKind.Interval && c.LeftClosed;
                    var rc = c.Kind == CollectionKind.Interval && c.RightClosed;
                    return t => (lc ? t >= lo - 1e-12 : t > lo + 1e-12) && (rc ? t <= hi + 1e-12 : t < hi - 1e-12);
                case CollectionNode { Kind: CollectionKind.Set } s:
                    var values = s.Items.Select(i => MathEval.Eval(i, null)).ToList();
                    return values.Any(double.IsNaN) ? null : t => values.Any(v => Math.Abs(v - t) <= 1e-9 * Math.Max(1, Math.Abs(v)));
                case RelationNode r:
                    return RelationMembership(r);
                default:
                    return null;
            }
        }

        private static Func<double, bool?>? RelationMembership(RelationNode r)
        {
            if (r.Ops is ["in"])
            {
                var inner = Membership(r.Operands[1]);
                var target = r.Operands[0];
                return inner is null ? null : VariableOf(target) is null ? null : inner;
            }

            if (r.Ops.Any(o => o == "in"))
            {
                return null;
            }

            var vars = new HashSet<string>(StringComparer.Ordinal);
            MathEval.Symbols(r, vars);
            Func<MathNode, double, double> eval;
            if (vars.Count == 1)
            {
                var name = vars.First();
                eval = (node, t) => MathEval.Eval(node, v => v == name ? t : double.NaN);
            }
            else
            {
                // 0 < f(x) < 1: every non-constant operand is the same expression; it stands for the variable.
                var nonConstant = r.Operands.Where(o => double.IsNaN(MathEval.Eval(o, null))).Select(o => o.ToString()).Distinct().ToList();
                if (nonConstant.Count != 1)
                {
                    return null;
                }

                var key = nonConstant[0];
                var keyed = r.Operands.Where(o => o.ToString() == key).ToHashSet(ReferenceEqualityComparer.Instance);
                eval = (node, t) => keyed.Contains(node) ? t : MathEval.Eval(node, null);
            }

            return t =>
            {
                for (var i = 0; i < r.Ops.Length; i++)
                {
                    var a = eval(r.Operands[i], t);
                    var b = eval(r.Operands[i + 1], t);
                    if (double.IsNaN(a) || double.IsNaN(b))
                    {
                        return null;
                    }

                    var tol = 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
                    var holds = r.Ops[i] switch
                    {
                        "=" => Math.Abs(a - b) <= tol,
                        "!=" => Math.Abs(a - b) > tol,
                        "<" => a < b - tol,
                        "<=" => a <= b + tol,
                        ">" => a > b + tol,
                        ">=" => a >= b - tol,
                        _ => false,
                    };
                    if (!holds)
                    {
                        return false;
                    }
                }

                return true;
            };
        }

        private static string? VariableOf(MathNode n) => n is SymNode s ? s.Name : null;

        private Verdict Matrices(MatrixNode p, MatrixNode g, int depth)
        {
            if (p.Rows.Length != g.Rows.Length || p.Rows.Zip(g.Rows).Any(r => r.First.Length != r.Second.Length))
            {
                return new(false, "matrix");
            }

            foreach (var (pr, gr) in p.Rows.Zip(g.Rows))
            {
                foreach (var (pc, gc) in pr.Zip(gr))
                {
                    if (!Equal(pc, gc, depth + 1).Equal)
                    {
                        return new(false, "matrix");
                    }
                }
            }

            return new(true, "matrix");
        }

        private Verdict Unions(MathNode p, MathNode g, int depth)
        {
            var pp = p is UnionNode pu ? pu.Parts : [p];
            var gp = g is UnionNode gu ? gu.Parts : [g];
            if (pp.Length != gp.Length)
            {
                var viaSets = SolutionSets(g, p);
                return viaSets.Equal ? viaSets : new(false, "interval");
            }

            var used = new bool[pp.Length];
            foreach (var part in gp)
            {
                var found = false;
                for (var i = 0; i < pp.Length && !found; i++)
                {
                    if (!used[i] && Equal(pp[i], part, depth + 1).Equal)
                    {
                        used[i] = true;
                        found = true;
                    }
                }

                if (!found)
                {
                    return new(false, "interval");
                }
            }

            return new(true, "interval");
        }

        private Verdict Collections(MathNode p, MathNode g, int depth)
        {
            var pc = p as CollectionNode ?? new CollectionNode(CollectionKind.List, [p]);
            var gc = g as CollectionNode ?? new CollectionNode(CollectionKind.List, [g]);
            if (pc.Kind == CollectionKind.Interval || gc.Kind == CollectionKind.Interval)
            {
                var ends = pc.Kind == gc.Kind && pc.LeftClosed == gc.LeftClosed && pc.RightClosed == gc.RightClosed && pc.Items.Length == gc.Items.Length
                    && pc.Items.Zip(gc.Items).All(x => Equal(x.First, x.Second, depth + 1).Equal);
                return new(ends, "interval");
            }

            if (gc.Kind is CollectionKind.Set or CollectionKind.List)
            {
                pc = pc with { Items = Distinct(pc.Items, depth) };
                gc = gc with { Items = Distinct(gc.Items, depth) };
            }

            if (pc.Items.Length != gc.Items.Length)
            {
                return new(false, gc.Kind == CollectionKind.Paren ? "tuple" : "set");
            }

            if (gc.Kind == CollectionKind.Paren && pc.Kind != CollectionKind.Set)
            {
                var ordered = pc.Items.Zip(gc.Items).All(x => Equal(x.First, x.Second, depth + 1).Equal);
                return new(ordered, "tuple");
            }

            if (gc.Kind == CollectionKind.Paren)
            {
                return new(false, "tuple");
            }

            if (pc.Kind == CollectionKind.Paren && gc.Kind == CollectionKind.Set && gc.Items.Length > 1)
            {
                // A gold set against a predicted tuple: Math-Verify compares them as sets.
            }

            // Gold set or list: any order.
            var used = new bool[pc.Items.Length];
            foreach (var item in gc.Items)
            {
                var found = false;
                for (var i = 0; i < pc.Items.Length && !found; i++)
                {
                    if (!used[i] && Equal(pc.Items[i], item, depth + 1).Equal)
                    {
                        used[i] = true;
                        found = true;
                    }
                }

                if (!found)
                {
                    return new(false, "set");
                }
            }

            return new(true, "set");
        }

        private ImmutableArray<MathNode> Distinct(ImmutableArray<MathNode> items, int depth)
        {
            var kept = new List<MathNode>();
            foreach (var item in items)
            {
                if (!kept.Any(k => Equal(k, item, depth + 1).Equal))
                {
                    kept.Add(item);
                }
            }

            return [.. kept];
        }

        private Verdict Scalars(MathNode p, MathNode g)
        {
            var pw = Word(p);
            var gw = Word(g);
            if (pw is not null && gw is not null)
            {
                return new(string.Equals(pw, gw, StringComparison.OrdinalIgnoreCase), "text");
            }

            if (p is TextNode || g is TextNode)
            {
                return new(false, "text");
            }

            var pv = MathEval.Eval(p, null);
            var gv = MathEval.Eval(g, null);
            if (!double.IsNaN(pv) && !double.IsNaN(gv))
            {
                return Numbers(p, pv, g, gv);
            }

            return Expressions(p, g);
        }

        private static string? Word(MathNode n) => n switch
        {
            TextNode t => t.Text,
            SymNode s => s.Name,
            BinNode { Op: '*', Implicit: true } b when Word(b.Left) is { } l && Word(b.Right) is { } r => l + r,
            ConstNode { Name: "e" } => "e",
            _ => null,
        };

        private static Verdict Numbers(MathNode p, double pv, MathNode g, double gv)
        {
            var pPercent = p is PercentNode;
            var gPercent = g is PercentNode;
            if (pPercent != gPercent)
            {
                // 28% against 28 or 0.28: both readings count (a percent answer to a "what percent" question).
                var bare = pPercent ? ((PercentNode)p).Arg : ((PercentNode)g).Arg;
                var bareValue = MathEval.Eval(bare, null);
                var other = pPercent ? gv : pv;
                var otherNode = pPercent ? g : p;
                if (NumbersClose(bare, bareValue, otherNode, other).Equal || NumbersClose(pPercent ? p : g, pPercent ? pv : gv, otherNode, other).Equal)
                {
                    return new(true, "percent");
                }

                return new(false, "percent");
            }

            return NumbersClose(p, pv, g, gv);
        }

        private static Verdict NumbersClose(MathNode p, double pv, MathNode g, double gv)
        {
            var pi = IntegerLiteral(p);
            var gi = IntegerLiteral(g);
            if (pi is not null && gi is not null)
            {
                return new(pi == gi, "integer");
            }

            if (pv.Equals(gv))
            {
                return new(true, "number");
            }

            if (double.IsInfinity(pv) || double.IsInfinity(gv) || double.IsNaN(pv) || double.IsNaN(gv))
            {
                return new(false, "number");
            }

            var scale = Math.Max(Math.Abs(pv), Math.Abs(gv));
            if (Math.Abs(pv - gv) <= RelativeTolerance * scale)
            {
                return new(true, "number");
            }

            // A decimal answer rounded from an exact one: 0.3333 for 1/3, 7.78 for 70/9 (at least two decimals).
            var pd = Decimals(p);
            var gd = Decimals(g);
            if (pd >= 2 && (gd < 0 || gd > pd) && Rounds(gv, pd, pv))
            {
                return new(true, "number-rounded");
            }

            if (gd >= 2 && (pd < 0 || pd > gd) && Rounds(pv, gd, gv))
            {
                return new(true, "number-rounded");
            }

            return new(false, "number");
        }

        private static bool Rounds(double exact, int decimals, double rounded) =>
            decimals <= 12 && Math.Abs(Math.Round(exact, decimals, MidpointRounding.AwayFromZero) - rounded) <= 1e-9 * Math.Max(1, Math.Abs(rounded));

        /// <summary>Decimals of a written decimal literal (optionally negated); −1 for anything else (integers included).</summary>
        private static int Decimals(MathNode n) => n switch
        {
            NumNode { Decimals: > 0 } num => num.Decimals,
            NegNode neg => Decimals(neg.Arg),
            _ => -1,
        };

        private static BigInteger? IntegerLiteral(MathNode n) => n switch
        {
            NumNode { IsInteger: true } num when BigInteger.TryParse(num.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
            NumNode { Decimals: > 0 } num when num.Text.Split('.')[1].All(c => c == '0') && BigInteger.TryParse(num.Text.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w) => w,
            NegNode neg when IntegerLiteral(neg.Arg) is { } inner => -inner,
            _ => null,
        };

        private Verdict Expressions(MathNode p, MathNode g)
        {
            var valid = 0;
            for (var point = 0; point < Points; point++)
            {
                Check();
                var pt = point;
                var x = MathEval.Eval(p, name => MathEval.PointValue(name, pt));
                var y = MathEval.Eval(g, name => MathEval.PointValue(name, pt));
                if (double.IsNaN(x) || double.IsNaN(y))
                {
                    if (double.IsNaN(x) != double.IsNaN(y))
                    {
                        return new(false, "expression-points");
                    }

                    continue;
                }

                if (!x.Equals(y) && !(Math.Abs(x - y) <= PointTolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)))))
                {
                    return new(false, "expression-points");
                }

                valid++;
            }

            if (valid >= 2)
            {
                return new(true, "expression-points");
            }

            return new(SameText(p, g), "unparsed");
        }

        private static bool SameText(MathNode a, MathNode b) => string.Equals(a.ToString(), b.ToString(), StringComparison.Ordinal);
    }
}
