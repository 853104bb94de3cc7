using System.Text;
using Agents.Core.Problems;

namespace Agents.Core.Tests.Problems;

public sealed class DatasetReaderTests
{
    private const string Good1 = """{"id": "a", "question": "What is 1+1?", "answer": "2"}""";
    private const string Good2 = """{"id": "b", "question": "What is 2+2?", "answer": "4"}""";

    private static DatasetReadResult Parse(params string[] lines) => DatasetReader.Parse(string.Join("\n", lines) + "\n", "in.jsonl");

    private static void AssertOneError(DatasetReadResult result, string expected)
    {
        var error = Assert.Single(result.Errors);
        Assert.Equal(expected, error.ToString());
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_BrokenJson_ReportsParserMessageAndReadsNeighbours()
    {
        var result = Parse(Good1, """{"id": "x", "question": """, Good2);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("in.jsonl:2: invalid JSON at column ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Reason, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
        Assert.Equal([1, 3], result.Problems.Select(p => p.Line));
    }

    [Fact]
    public void Parse_NotAnObject_ReportsKind()
    {
        AssertOneError(Parse(Good1, "[1, 2]", Good2), "in.jsonl:2: row must be a JSON object, got array");
    }

    [Fact]
    public void Parse_MissingQuestion_NamesBothFields()
    {
        AssertOneError(Parse(Good1, """{"id": "x", "answer": "3"}""", Good2), "in.jsonl:2: missing field 'question' or 'problem'");
    }

    [Fact]
    public void Parse_EmptyQuestion_ReportsEmptyField()
    {
        AssertOneError(Parse(Good1, """{"id": "x", "problem": "  "}""", Good2), "in.jsonl:2: field 'problem' is empty");
    }

    [Fact]
    public void Parse_QuestionNotString_ReportsType()
    {
        AssertOneError(Parse(Good1, """{"id": "x", "question": 5}""", Good2), "in.jsonl:2: field 'question' must be a string, got number");
    }

    [Theory]
    [InlineData("""{"id": true, "question": "q"}""", "field 'id' must be a string or integer, got boolean")]
    [InlineData("""{"id": 1.5, "question": "q"}""", "field 'id' must be a string or integer, got non-integer number 1.5")]
    [InlineData("""{"id": "", "question": "q"}""", "field 'id' is empty")]
    [InlineData("""{"question": "q", "answer": [1]}""", "field 'answer' must be a string or number, got array")]
    [InlineData("""{"question": "q", "gold": false}""", "field 'gold' must be a string or number, got boolean")]
    [InlineData("""{"problem": "q", "solution": 3}""", "field 'solution' must be a string, got number")]
    [InlineData("""{"problem": "q", "source": {}}""", "field 'source' must be a string, got object")]
    [InlineData("""{"problem": "q", "steps": "one"}""", "field 'steps' must be an array of strings, got string")]
    [InlineData("""{"problem": "q", "steps": ["a", 2]}""", "field 'steps' item 1 must be a string, got number")]
    [InlineData("""{"problem": "q", "steps": ["a"], "label": "0"}""", "field 'label' must be an integer, got string")]
    [InlineData("""{"problem": "q", "steps": ["a"], "label": 3}""", "field 'label' is 3, but must be -1 or the index of one of the 1 steps")]
    public void Parse_WrongFieldType_NamesField(string row, string reason)
    {
        AssertOneError(Parse(Good1, row, Good2), "in.jsonl:2: " + reason);
    }

    [Fact]
    public void Parse_EmptyLine_Reported()
    {
        AssertOneError(Parse(Good1, "", Good2), "in.jsonl:2: empty line");
    }

    [Fact]
    public void Parse_WhitespaceOnlyLine_Reported()
    {
        AssertOneError(Parse(Good1, " \t ", Good2), "in.jsonl:2: empty line");
    }

    [Fact]
    public void Parse_SingleTrailingNewline_NotAnError()
    {
        var result = DatasetReader.Parse(Good1 + "\n" + Good2 + "\n", "in.jsonl");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Problems.Length);
    }

    [Fact]
    public void Parse_NoTrailingNewline_ReadsLastRow()
    {
        var result = DatasetReader.Parse(Good1 + "\n" + Good2, "in.jsonl");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Problems.Length);
    }

    [Fact]
    public void Parse_CrLfLineEnds_Accepted()
    {
        var result = DatasetReader.Parse(Good1 + "\r\n" + Good2 + "\r\n", "in.jsonl");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Problems.Length);
    }

    [Fact]
    public void Parse_LeadingBom_AcceptedSilently()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Good1 + "\n" + Good2 + "\n")).ToArray();

        var result = DatasetReader.Parse(bytes, "in.jsonl");

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_BomInTheMiddle_Reported()
    {
        AssertOneError(Parse(Good1, "\uFEFF" + """{"id": "x", "question": "q"}""", Good2),
            "in.jsonl:2: byte order mark at column 1 (line is not at the start of the file)");
    }

    [Fact]
    public void Parse_LineOverLimit_ReportedWithLength()
    {
        var huge = "{\"id\": \"x\", \"question\": \"" + new string('q', 200) + "\"}";
        var result = DatasetReader.Parse(string.Join("\n", Good1, huge, Good2) + "\n", "in.jsonl", new DatasetReaderOptions(MaxLineLength: 100));

        AssertOneError(result, $"in.jsonl:2: line is {huge.Length} bytes, over the limit of 100");
    }

    [Fact]
    public void Parse_LineFarOverLimit_SkippedWithoutBuffering()
    {
        // Longer than the reader's buffer, so the over-long path that streams past the line is taken.
        var huge = new string('x', 300_000);
        var result = DatasetReader.Parse(string.Join("\n", Good1, huge, Good2, huge) + "\r\n", "in.jsonl", new DatasetReaderOptions(MaxLineLength: 1000));

        Assert.Equal(["in.jsonl:2: line is 300000 bytes, over the limit of 1000", "in.jsonl:4: line is 300000 bytes, over the limit of 1000"],
            result.Errors.Select(e => e.ToString()));
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_UnboundedLineLimit_ReadsRows()
    {
        var result = DatasetReader.Parse(Good1 + "\n" + Good2 + "\n", "in.jsonl", new DatasetReaderOptions(int.MaxValue));

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Problems.Length);
    }

    [Fact]
    public void Parse_NulByte_ReportedAsBinary()
    {
        AssertOneError(Parse(Good1, "{\"id\": \0}", Good2), "in.jsonl:2: binary content: NUL byte at column 8");
    }

    [Fact]
    public void Parse_InvalidUtf8_Reported()
    {
        var bytes = Encoding.UTF8.GetBytes(Good1 + "\n{\"id\": \"x\", \"question\": \"").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\"}\n" + Good2 + "\n")).ToArray();

        var result = DatasetReader.Parse(bytes, "in.jsonl");

        AssertOneError(result, "in.jsonl:2: invalid UTF-8 at column 26");
    }

    [Fact]
    public void Parse_IdKinds_RowIdThenUniqueIdThenLine()
    {
        var result = Parse(
            """{"id": 7, "question": "q"}""",
            """{"unique_id": "test/x.json", "problem": "q"}""",
            """{"question": "q"}""",
            """{"id": "s", "unique_id": "u", "question": "q"}""");

        Assert.Empty(result.Errors);
        Assert.Equal(["7", "test/x.json", "3", "s"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_DuplicateId_RejectsLaterRowNamingFirstLine()
    {
        var result = Parse(Good1, """{"id": "x", "question": "q"}""", Good2, """{"id": "x", "question": "other"}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("in.jsonl:4: duplicate id 'x' (first seen on line 2)", error.ToString());
        Assert.Equal("q", result.Problems.Single(p => p.Id == "x").Question);
    }

    [Fact]
    public void Parse_Gsm8kRow_GoldAfterHashes()
    {
        var result = Parse("""{"question": "How many?", "answer": "3 + 4 = <<3+4=7>>7\n#### 1,234"}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("1", "How many?", "1234", "gsm8k"), (problem.Id, problem.Question, problem.Gold, problem.Source));
    }

    [Fact]
    public void Parse_MathRowWithAnswer_GoldIsAnswer()
    {
        var result = Parse("""{"problem": "Find x.", "solution": "so \\boxed{5}", "answer": "\\frac{1}{2}", "unique_id": "m1"}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("m1", "\\frac{1}{2}", "math"), (problem.Id, problem.Gold, problem.Source));
    }

    [Fact]
    public void Parse_MathRowWithSolutionOnly_GoldIsLastBoxed()
    {
        var result = Parse("""{"problem": "Find x.", "solution": "first \\boxed{4}, then \\boxed{\\frac{1}{2}}."}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("\\frac{1}{2}", "math"), (problem.Gold, problem.Source));
    }

    [Theory]
    [InlineData("""{"id": "g", "question": "q", "answer": "42"}""", "42")]
    [InlineData("""{"id": "g", "problem": "q", "gold": "x^2"}""", "x^2")]
    [InlineData("""{"id": "g", "question": "q", "answer": "work\n#### 18"}""", "18")]
    [InlineData("""{"id": "g", "question": "q", "answer": 18}""", "18")]
    [InlineData("""{"id": "g", "question": "q", "answer": 0.5}""", "0.5")]
    [InlineData("""{"id": "g", "question": "q", "gold": 2.50}""", "2.5")]
    [InlineData("""{"id": "g", "question": "q", "answer": -3}""", "-3")]
    [InlineData("""{"id": "g", "question": "q"}""", null)]
    [InlineData("""{"id": "g", "question": "q", "answer": null}""", null)]
    public void Parse_GenericRow_GoldFromAnswerOrGold(string row, string? gold)
    {
        var problem = Assert.Single(Parse(row).Problems);

        Assert.Equal(("generic", gold), (problem.Source, problem.Gold));
    }

    [Fact]
    public void Parse_ProcessBenchRow_StepsAndLabel()
    {
        var result = Parse("""{"id": "gsm8k-0", "generator": "m", "problem": "q", "steps": ["s1", "s2"], "label": 1, "final_answer_correct": false}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("gsm8k-0", "processbench", null, 1), (problem.Id, problem.Source, problem.Gold, problem.FirstErrorStep));
        Assert.Equal(["s1", "s2"], problem.Steps.AsEnumerable());
    }

    [Fact]
    public void Parse_SourceField_Kept()
    {
        var result = Parse("""{"id": "synth-1", "question": "q", "answer": 12, "source": "synth"}""");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("synth", "12"), (problem.Source, problem.Gold));
    }

    [Fact]
    public void Parse_JsonArray_ElementLinesAreWhereTheyStart()
    {
        var content = "[\n  " + Good1 + ",\n\n  {\"id\": \"c\",\n   \"question\": \"q\"},\n  " + Good2 + "\n]\n";

        var result = DatasetReader.Parse(content, "in.json");

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "c", "b"], result.Problems.Select(p => p.Id));
        Assert.Equal([2, 4, 6], result.Problems.Select(p => p.Line));
    }

    [Fact]
    public void Parse_JsonArrayWithBadElements_ReportsThemAndReadsTheRest()
    {
        var content = "[\n" + Good1 + ",\n42,\n{\"id\": \"x\", \"question\": 5},\n{\"id\": \"a\", \"question\": \"dup\"},\n" + Good2 + "\n]";

        var result = DatasetReader.Parse(content, "in.json");

        Assert.Equal(
            ["in.json:3: row must be a JSON object, got number", "in.json:4: field 'question' must be a string, got number", "in.json:5: duplicate id 'a' (first seen on line 2)"],
            result.Errors.Select(e => e.ToString()));
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_BrokenJsonArray_ReportsBreakAndKeepsEarlierElements()
    {
        var content = "[\n" + Good1 + ",\n" + Good2 + ",\n{\"id\": \"c\" \"question\": \"q\"},\n{\"id\": \"d\", \"question\": \"q\"}\n]";

        var result = DatasetReader.Parse(content, "in.json");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("in.json:4: invalid JSON at column 12: ", error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("the rest of the file is not read", error.Reason, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], result.Problems.Select(p => p.Id));
    }

    [Fact]
    public void Parse_TruncatedJsonArray_ReportsBreak()
    {
        var result = DatasetReader.Parse("[\n" + Good1 + ",\n" + Good2 + ",\n", "in.json");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("in.json:", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, result.Problems.Length);
    }

    [Fact]
    public void Parse_JsonArrayWithTrailingContent_ReportsBreak()
    {
        var result = DatasetReader.Parse("[\n" + Good1 + "\n]\nextra\n", "in.json");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("in.json:4: invalid JSON at column 1: ", error.ToString(), StringComparison.Ordinal);
        Assert.Single(result.Problems);
    }

    [Fact]
    public void Parse_JsonlWhoseFirstRowIsAnArray_ReadAsJsonl()
    {
        AssertOneError(DatasetReader.Parse("[1, 2]\n" + Good1 + "\n" + Good2 + "\n", "in.jsonl"), "in.jsonl:1: row must be a JSON object, got array");
    }

    [Fact]
    public void Parse_JsonArrayElementWithInvalidUtf8_ReportsElementAndReadsTheRest()
    {
        var bytes = Encoding.UTF8.GetBytes("[\n" + Good1 + ",\n{\"id\": \"x\", \"question\": \"").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\"},\n" + Good2 + "\n]")).ToArray();

        var result = DatasetReader.Parse(bytes, "in.json");

        AssertOneError(result, "in.json:3: invalid UTF-8 at byte 26 of the element");
    }

    [Fact]
    public void Parse_JsonArrayWithBom_Accepted()
    {
        var result = DatasetReader.Parse("\uFEFF  [" + Good1 + "]", "in.json");

        Assert.Empty(result.Errors);
        Assert.Single(result.Problems);
    }

    [Fact]
    public void Parse_EmptyContent_NoRowsNoErrors()
    {
        var result = DatasetReader.Parse("", "in.jsonl");

        Assert.Empty(result.Problems);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "agents-no-such-" + Guid.NewGuid().ToString("N") + ".jsonl");

        var ex = Assert.Throws<FileNotFoundException>(() => DatasetReader.Read(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LargeFile_ReadsAllRowsQuickly()
    {
        var path = Path.Combine(Path.GetTempPath(), "agents-readers-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                for (var i = 0; i < 100_000; i++)
                {
                    writer.Write("{\"question\": \"Tom has ");
                    writer.Write(i);
                    writer.Write(" apples and buys 3 more. How many?\", \"answer\": \"He has <<3+3=6>> apples.\\n#### ");
                    writer.Write(i + 3);
                    writer.Write("\"}\n");
                }
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = DatasetReader.Read(path);
            watch.Stop();

            Assert.Empty(result.Errors);
            Assert.Equal(100_000, result.Problems.Length);
            Assert.Equal("100002", result.Problems[^1].Gold);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"reading took {watch.Elapsed}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
