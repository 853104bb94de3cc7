using System.Globalization;
using System.Text.Json;
using Agents.Core.Answers;
using Agents.Core.Problems;

namespace Agents.Core.Grading;

/// <summary>One prediction to grade: its id, the text it came with and where it came from.</summary>
/// <param name="Id">Matches a dataset problem id (<c>id</c>, else <c>unique_id</c>, else the 1-based line).</param>
/// <param name="Text">The <c>response</c>, <c>solution</c> or <c>answer</c> text.</param>
/// <param name="IsBareAnswer">True when the text came from an <c>answer</c> field that may hold the answer itself.</param>
/// <param name="Line">Line in the predictions file.</param>
public sealed record Prediction(string Id, string Text, bool IsBareAnswer, int Line);

/// <summary>One graded prediction (a row of <c>agents grade --output</c>).</summary>
/// <param name="Id">Problem id.</param>
/// <param name="Answer">The extracted answer, or null.</param>
/// <param name="Gold">The gold answer.</param>
/// <param name="Correct">Whether they are equivalent under the mode.</param>
/// <param name="ExtractedBy">The extraction rule that found the answer, or null when none did.</param>
/// <param name="DecidedBy">The equivalence rule that decided.</param>
public sealed record GradedPrediction(string Id, string? Answer, string? Gold, bool Correct, string? ExtractedBy = null, string? DecidedBy = null);

/// <summary>The result of grading a predictions file against a dataset.</summary>
/// <param name="Rows">Graded predictions in file order.</param>
/// <param name="Errors">Rejected prediction rows and predictions without a dataset problem.</param>
/// <param name="MissingPredictions">Dataset problems with no prediction.</param>
public sealed record GradeReport(ImmutableArray<GradedPrediction> Rows, ImmutableArray<InputError> Errors, int MissingPredictions)
{
    /// <summary>Correct predictions.</summary>
    public int Correct => Rows.Count(r => r.Correct);

    /// <summary>Correct / graded; 0 when nothing was graded.</summary>
    public double Accuracy => Rows.Length == 0 ? 0 : (double)Correct / Rows.Length;
}

/// <summary>Grades any predictions file (rows with <c>id</c> + <c>answer</c> or <c>response</c>) against a dataset.</summary>
public static class PredictionGrader
{
    /// <summary>The longest predictions line read (characters); a longer one is rejected without being held in memory.</summary>
    public const int MaxLineLength = 1_000_000;

    /// <summary>Reads predictions: JSONL rows with an id (or <c>unique_id</c>, else the line) and a response, solution or answer.</summary>
    public static (ImmutableArray<Prediction> Predictions, ImmutableArray<InputError> Errors) ReadPredictions(string path)
    {
        var predictions = ImmutableArray.CreateBuilder<Prediction>();
        var errors = ImmutableArray.CreateBuilder<InputError>();
        var name = Path.GetFileName(path);
        foreach (var bounded in BoundedLines.ReadFile(path, MaxLineLength))
        {
            var lineNumber = bounded.Number;
            if (bounded.Text is not { } line)
            {
                errors.Add(new InputError(name, lineNumber, BoundedLines.TooLongMessage(bounded, MaxLineLength)));
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var row = doc.RootElement;
                if (row.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new InputError(name, lineNumber, "row is not a JSON object"));
                    continue;
                }

                var id = Scalar(row, "id") ?? Scalar(row, "unique_id") ?? lineNumber.ToString(CultureInfo.InvariantCulture);
                var response = Scalar(row, "response") ?? Scalar(row, "solution");
                var answer = Scalar(row, "answer");
                if (response is null && answer is null)
                {
                    errors.Add(new InputError(name, lineNumber, "missing field 'answer' or 'response'"));
                    continue;
                }

                predictions.Add(new Prediction(id, response ?? answer!, response is null, lineNumber));
            }
            catch (JsonException ex)
            {
                errors.Add(new InputError(name, lineNumber, $"broken JSON: {ex.Message}"));
            }
        }

        return (predictions.ToImmutable(), errors.ToImmutable());
    }

    /// <summary>Grades predictions against problems by id.</summary>
    public static GradeReport Grade(IReadOnlyList<Problem> problems, IReadOnlyList<Prediction> predictions, EquivalenceMode mode, string predictionsName = "predictions")
    {
        var byId = problems.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = ImmutableArray.CreateBuilder<GradedPrediction>();
        var errors = ImmutableArray.CreateBuilder<InputError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prediction in predictions)
        {
            if (!byId.TryGetValue(prediction.Id, out var problem))
            {
                errors.Add(new InputError(predictionsName, prediction.Line, $"no problem with id '{prediction.Id}' in the dataset"));
                continue;
            }

            if (!seen.Add(prediction.Id))
            {
                errors.Add(new InputError(predictionsName, prediction.Line, $"duplicate prediction for id '{prediction.Id}'"));
                continue;
            }

            var graded = AnswerGrader.Grade(prediction.Text, problem.Gold, mode, prediction.IsBareAnswer);
            rows.Add(new GradedPrediction(prediction.Id, graded.Answer, graded.Gold, graded.Correct, graded.ExtractedBy, graded.DecidedBy));
        }

        return new GradeReport(rows.ToImmutable(), errors.ToImmutable(), byId.Count - seen.Count);
    }

    private static string? Scalar(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
