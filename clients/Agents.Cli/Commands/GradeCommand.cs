using System.CommandLine;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.Problems;
using Agents.Core.Answers;
using Agents.Core.Grading;
using Agents.Core.Problems;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents grade</c>: grade any predictions file against a dataset.</summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Dataset with gold answers", Required = true };
        var predictions = new Option<string>("--predictions") { Description = "JSONL rows: id (or unique_id) + answer or response", Required = true };
        var mode = new Option<string>("--mode") { Description = "math-verify | numeric | hendrycks | prm800k", DefaultValueFactory = _ => EquivalenceModes.DefaultName };
        var output = new Option<string?>("--output") { Description = "Write one row per prediction: id, answer, gold, correct, extracted_by, decided_by" };
        var explain = new Option<string?>("--explain") { Description = "Print how the prediction with this id was graded: both sides after each step" };
        var command = new Command("grade", "Grade a predictions file against a dataset") { input, predictions, mode, output, explain };
        command.SetAction(async (parse, _) => await RunAsync(
            parse.GetValue(input)!, parse.GetValue(predictions)!, parse.GetValue(mode)!, parse.GetValue(output), AnsiConsole.Console, Console.Error,
            parse.GetValue(explain)));
        return command;
    }

    /// <summary>Grades and prints the accuracy; exit code 2 when rows were rejected.</summary>
    public static async Task<int> RunAsync(string input, string predictionsPath, string modeName, string? output, IAnsiConsole console, TextWriter errors, string? explainId = null)
    {
        EquivalenceMode mode;
        try
        {
            mode = EquivalenceModes.Parse(modeName);
        }
        catch (ArgumentException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Error;
        }

        foreach (var path in new[] { input, predictionsPath }.Where(p => !File.Exists(p)))
        {
            await errors.WriteLineAsync($"error: file not found: {path}");
            return ExitCodes.Error;
        }

        var dataset = DatasetReader.Read(input);
        var (predictions, predictionErrors) = PredictionGrader.ReadPredictions(predictionsPath);
        if (explainId is not null)
        {
            return await ExplainAsync(dataset.Problems, predictions, explainId, mode, console, errors);
        }

        var report = PredictionGrader.Grade(dataset.Problems, predictions, mode, Path.GetFileName(predictionsPath));
        foreach (var error in dataset.Errors.Concat(predictionErrors).Concat(report.Errors))
        {
            await errors.WriteLineAsync(error.ToString());
        }

        if (output is not null)
        {
            await using var writer = new StreamWriter(output, append: false, new UTF8Encoding(false));
            foreach (var row in report.Rows)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(row, OutputRow.Json));
            }
        }

        console.MarkupLine($"accuracy [bold]{report.Accuracy:P2}[/] ({report.Correct}/{report.Rows.Length} correct, mode {EquivalenceModes.Name(mode)}"
            + (report.MissingPredictions > 0 ? $", {report.MissingPredictions} problems without a prediction" : "") + ")");
        return dataset.Errors.Length + predictionErrors.Length + report.Errors.Length > 0 ? ExitCodes.InputRejected : ExitCodes.Ok;
    }

    private static async Task<int> ExplainAsync(
        IReadOnlyList<Problem> problems, IReadOnlyList<Prediction> predictions, string id, EquivalenceMode mode, IAnsiConsole console, TextWriter errors)
    {
        var prediction = predictions.FirstOrDefault(p => p.Id == id);
        var problem = problems.FirstOrDefault(p => p.Id == id);
        if (prediction is null || problem is null)
        {
            await errors.WriteLineAsync($"error: no {(prediction is null ? "prediction" : "dataset problem")} with id '{id}'");
            return ExitCodes.Error;
        }

        var explanation = AnswerGrader.Explain(prediction.Text, problem.Gold, mode, prediction.IsBareAnswer);
        console.MarkupLine($"[bold]{Markup.Escape(id)}[/] mode {EquivalenceModes.Name(mode)}");
        WriteSide(console, "prediction", explanation.PredictionSteps);
        WriteSide(console, "gold", explanation.GoldSteps);
        var outcome = explanation.Outcome;
        console.MarkupLine($"correct [bold]{outcome.Correct}[/], extracted_by {Markup.Escape(outcome.ExtractedBy ?? "none")}, decided_by {Markup.Escape(outcome.DecidedBy)}");
        return ExitCodes.Ok;
    }

    private static void WriteSide(IAnsiConsole console, string side, ImmutableArray<KeyValuePair<string, string>> steps)
    {
        console.MarkupLine($"[bold]{side}[/]");
        foreach (var (step, text) in steps)
        {
            console.MarkupLine($"  {Markup.Escape(step),-24} {Markup.Escape(text.Length > 400 ? text[..400] + "…" : text)}");
        }
    }
}
