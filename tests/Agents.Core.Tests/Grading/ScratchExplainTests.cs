using Agents.Core.Grading;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Grading;

public sealed class ScratchExplainTests(ITestOutputHelper output)
{
    [Fact]
    public void Scratch()
    {
        if (!File.Exists("/tmp/pairs.txt"))
        {
            return;
        }

        foreach (var line in File.ReadLines("/tmp/pairs.txt"))
        {
            var parts = line.Split(" ||| ");
            var e = AnswerGrader.Explain(parts[0], parts[1]);
            output.WriteLine($"== {e.Outcome}");
            foreach (var s in e.PredictionSteps.Concat(e.GoldSteps))
            {
                output.WriteLine($"  {s.Key}: {s.Value}");
            }
        }
    }
}
