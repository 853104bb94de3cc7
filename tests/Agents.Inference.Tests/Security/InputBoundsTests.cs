using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Core.Answers;
using Agents.Core.Grading;
using Agents.Core.Instructing;
using Agents.Core.Problems;
using Agents.Inference.Replay;

namespace Agents.Inference.Tests.Security;

/// <summary>Text from models, clients and files is handled in bounded time and memory: regex timeouts, capped lines.</summary>
public sealed class InputBoundsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-bounds-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> Regexes()
    {
        var data = new TheoryData<string>();
        foreach (var method in GeneratedRegexMethods())
        {
            data.Add($"{method.DeclaringType!.FullName}.{method.Name}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Regexes))]
    public void GeneratedRegex_EveryPatternInCoreAndInference_HasATimeoutOrIsNonBacktracking(string name)
    {
        var method = GeneratedRegexMethods().Single(m => $"{m.DeclaringType!.FullName}.{m.Name}" == name);
        var regex = (Regex)method.Invoke(null, null)!;

        Assert.True(
            regex.MatchTimeout != Regex.InfiniteMatchTimeout || regex.Options.HasFlag(RegexOptions.NonBacktracking),
            $"{name} has no match timeout and backtracks");
    }

    [Fact]
    public void GeneratedRegex_AtLeastTheKnownParsersAreFound() =>
        Assert.True(GeneratedRegexMethods().Count() >= 50, $"found {GeneratedRegexMethods().Count()}");

    [Fact]
    public void BoundedLines_LineOverTheCap_ReportedAndSkippedOthersKept()
    {
        var text = "short\r\n" + new string('x', 100) + "\nlast";

        var lines = BoundedLines.Read(new StringReader(text), maxChars: 10).ToList();

        Assert.Equal(3, lines.Count);
        Assert.Equal(new BoundedLine(1, "short", 5), lines[0]);
        Assert.True(lines[1].TooLong);
        Assert.Equal(100, lines[1].Length);
        Assert.Equal(new BoundedLine(3, "last", 4), lines[2]);
    }

    [Fact]
    public void Replay_FileWithoutNewlines_FailsAtTheCapNamingFileAndLine()
    {
        var path = Path.Combine(_dir.FullName, "zero.jsonl");
        using (var file = File.Create(path))
        {
            // Just past the cap: the reader must stop holding text at the cap, not read it whole.
            var chunk = new byte[1 << 20];
            for (var written = 0; written <= ReplayChatClient.MaxLineLength; written += chunk.Length)
            {
                file.Write(chunk);
            }
        }

        var ex = Assert.Throws<InvalidDataException>(() => new ReplayChatClient(path));

        Assert.Equal($"replay: {path}: line 1 is longer than {ReplayChatClient.MaxLineLength} characters; not a record file.", ex.Message);
    }

    [Fact]
    public void GradeAndMetaMemorySeed_LineOverTheCap_RejectedWithItsNumber()
    {
        var predictions = Path.Combine(_dir.FullName, "p.jsonl");
        File.WriteAllText(predictions, "{\"id\":\"1\",\"answer\":\"2\"}\n" + new string(' ', PredictionGrader.MaxLineLength + 1) + "\n", Encoding.UTF8);
        var seed = "{\"question\":\"q\",\"meta_thought\":\"m\"}\n" + new string('a', MetaMemorySeed.MaxLineLength + 5) + "\n";

        var (rows, errors) = PredictionGrader.ReadPredictions(predictions);
        var memory = MetaMemorySeed.ReadJsonl(new StringReader(seed));

        Assert.Single(rows);
        Assert.Equal($"line 2 is longer than {PredictionGrader.MaxLineLength} characters", Assert.Single(errors).Reason);
        Assert.Single(memory.Examples);
        Assert.Equal($"line 2 is longer than {MetaMemorySeed.MaxLineLength} characters", Assert.Single(memory.Errors));
    }

    private static IEnumerable<MethodInfo> GeneratedRegexMethods() =>
        new[] { typeof(AnswerExtractor).Assembly, typeof(ModelSpec).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<GeneratedRegexAttribute>() is not null && m.GetParameters().Length == 0);
}
