using System.Text;
using Agents.Core.Problems;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Problems;

/// <summary>Generated bad rows mixed with good ones: each bad row is reported once, on its line, and every good row is read.</summary>
public sealed class MalformedInputTests(ITestOutputHelper output)
{
    private const int MaxLineLength = 2_000;

    private static readonly Func<Random, List<string>, byte[]>[] BadVariants =
    [
        (random, _) => Cut(GoodGeneric(random, "cut-" + random.Next()), random),
        (_, _) => Utf8("""{"id": "m", "answer": "3"}"""),
        (_, _) => Utf8("""{"id": "m", "question": ""}"""),
        (_, _) => Utf8("""{"id": "m", "problem": " \t "}"""),
        (random, _) => Utf8("{\"id\": \"m\", \"question\": " + Pick(random, "5", "true", "[\"q\"]", "{}", "null") + "}"),
        (random, _) => Utf8("{\"id\": " + Pick(random, "true", "1.5", "{}", "[1]", "\"\"") + ", \"question\": \"q\"}"),
        (random, _) => Utf8("{\"question\": \"q\", \"" + Pick(random, "answer", "gold") + "\": " + Pick(random, "true", "[1]", "{}") + "}"),
        (random, _) => Utf8("{\"problem\": \"q\", \"steps\": " + Pick(random, "\"s\"", "3", "[1, 2]", "{}") + "}"),
        (random, _) => Utf8("{\"problem\": \"q\", \"steps\": [\"a\"], \"label\": " + Pick(random, "\"0\"", "0.5", "-2", "7", "false") + "}"),
        (random, _) => Utf8(Pick(random, "42", "\"text\"", "[1, 2]", "true", "null")),
        (random, _) => Utf8("{\"id\": \"huge\", \"question\": \"" + new string('x', MaxLineLength + random.Next(1, 50_000)) + "\"}"),
        (random, _) => [.. Utf8("{\"id\": \"bin\", \"question\": \""), 0, (byte)random.Next(1, 255), 0, .. Utf8("\"}")],
        (random, _) => [.. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(0, 256)).Where(b => b != '\n'), 0],
        (random, _) => [0xEF, 0xBB, 0xBF, .. GoodGeneric(random, "bom-" + random.Next())],
        (random, _) => [.. Utf8("{\"id\": \"u\", \"question\": \"caf"), 0xC3, 0x28, .. Utf8("\"}")],
        (random, seen) => seen.Count == 0 ? Utf8("") : GoodGeneric(random, seen[random.Next(seen.Count)]),
        (_, _) => Utf8(""),
        (_, _) => Utf8("   \t"),
        (random, _) => [.. GoodGeneric(random, "trail-" + random.Next()), .. Utf8(" x")],
        (_, _) => Utf8("{\"id\": \"m\", \"question\": \"q\",}"),
        (_, _) => Utf8("{'id': 'm', 'question': 'q'}"),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_GeneratedMalformedRowsAmongGoodOnes_EachBadRowReportedOnceAndEveryGoodRowRead(int seed)
    {
        var random = new Random(seed);
        var lines = new List<byte[]>();
        var badLines = new List<int>();
        var goodIds = new List<string>();
        var explicitIds = new List<string>();
        for (var line = 1; badLines.Count < 120; line++)
        {
            if (random.NextDouble() < 0.5)
            {
                var variant = random.Next(BadVariants.Length);
                lines.Add(BadVariants[variant](random, explicitIds));
                badLines.Add(line);
                continue;
            }

            var (bytes, id, isExplicit) = Good(random, line);
            lines.Add(bytes);
            goodIds.Add(id);
            if (isExplicit)
            {
                explicitIds.Add(id);
            }
        }

        var content = lines.SelectMany(l => l.Append((byte)'\n')).ToArray();
        var result = DatasetReader.Parse(content, "gen.jsonl", new DatasetReaderOptions(MaxLineLength));
        output.WriteLine($"figure: malformed input seed {seed}: bad rows {badLines.Count} ({BadVariants.Length} kinds), reported {result.Errors.Length}, crashes 0, good rows {goodIds.Count}, read {result.Problems.Length}");

        Assert.Equal(badLines, result.Errors.Select(e => e.Line));
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        Assert.Equal(goodIds, result.Problems.Select(p => p.Id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Parse_GeneratedBadElementsInJsonArray_EachReportedOnItsLine(int seed)
    {
        // Only variants that are valid JSON: a syntax error ends an array, which a separate test covers.
        int[] valid = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15];
        var random = new Random(seed);
        var elements = new List<string>();
        var badLines = new List<int>();
        var goodIds = new List<string>();
        var explicitIds = new List<string>();
        for (var line = 2; badLines.Count < 100; line++)
        {
            if (random.NextDouble() < 0.5)
            {
                var variant = valid[random.Next(valid.Length)];
                var bytes = BadVariants[variant](random, explicitIds);
                if (bytes.Length == 0)
                {
                    line--;
                    continue;
                }

                elements.Add(Encoding.UTF8.GetString(bytes));
                badLines.Add(line);
                continue;
            }

            var (good, id, isExplicit) = Good(random, line);
            elements.Add(Encoding.UTF8.GetString(good));
            goodIds.Add(id);
            if (isExplicit)
            {
                explicitIds.Add(id);
            }
        }

        var result = DatasetReader.Parse("[\n" + string.Join(",\n", elements) + "\n]\n", "gen.json");

        Assert.Equal(badLines, result.Errors.Select(e => e.Line));
        Assert.Equal(goodIds, result.Problems.Select(p => p.Id));
    }

    private static (byte[] Bytes, string Id, bool Explicit) Good(Random random, int line)
    {
        switch (random.Next(4))
        {
            case 0:
                var n = random.Next(1000);
                return (Utf8($"{{\"question\": \"Ann has {n} pens. How many?\", \"answer\": \"She has <<{n}+0={n}>>{n}\\n#### {n}\"}}"), line.ToString(System.Globalization.CultureInfo.InvariantCulture), false);
            case 1:
                var unique = $"test/algebra/{random.Next()}-{line}.json";
                return (Utf8($"{{\"problem\": \"Solve $x+1=2$.\", \"solution\": \"So $x=\\\\boxed{{1}}$.\", \"unique_id\": \"{unique}\"}}"), unique, true);
            case 2:
                var pb = $"pb-{line}";
                return (Utf8($"{{\"id\": \"{pb}\", \"problem\": \"q\", \"steps\": [\"a\", \"b\"], \"label\": {random.Next(-1, 2)}}}"), pb, true);
            default:
                var id = $"g-{line}";
                return (GoodGeneric(random, id), id, true);
        }
    }

    private static byte[] GoodGeneric(Random random, string id) =>
        Utf8($"{{\"id\": \"{id}\", \"question\": \"What is {random.Next(100)} + 1?\", \"answer\": {random.Next(100)}}}");

    private static byte[] Cut(byte[] row, Random random) => row[..random.Next(1, row.Length - 1)];

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
