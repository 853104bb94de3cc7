using System.Globalization;
using System.Text.Json;
using Agents.Core.Answers;

namespace Agents.Core.Problems;

/// <summary>Turns one parsed row (GSM8K, MATH, ProcessBench, generic or synthetic) into a problem or a reason it is rejected.</summary>
internal static class RowReader
{
    /// <summary>Reads a row; returns null and sets <paramref name="error"/> when the row is rejected.</summary>
    public static Problem? Read(JsonElement row, int line, out string? error)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            error = $"row must be a JSON object, got {KindName(row.ValueKind)}";
            return null;
        }

        var questionField = row.TryGetProperty("question", out _) ? "question" : "problem";
        if (!row.TryGetProperty(questionField, out var questionValue))
        {
            error = "missing field 'question' or 'problem'";
            return null;
        }

        if (questionValue.ValueKind != JsonValueKind.String)
        {
            error = $"field '{questionField}' must be a string, got {KindName(questionValue.ValueKind)}";
            return null;
        }

        var question = questionValue.GetString()!;
        if (string.IsNullOrWhiteSpace(question))
        {
            error = $"field '{questionField}' is empty";
            return null;
        }

        if (!TryReadId(row, line, out var id, out error)
            || !TryReadOptionalString(row, "source", out var source, out error)
            || !TryReadAnswer(row, "answer", out var answer, out error)
            || !TryReadAnswer(row, "gold", out var goldField, out error)
            || !TryReadOptionalString(row, "solution", out var solution, out error)
            || !TryReadSteps(row, out var steps, out error)
            || !TryReadLabel(row, steps, out var label, out error))
        {
            return null;
        }

        var raw = answer ?? goldField;
        var gold = raw is not null && raw.Contains("####", StringComparison.Ordinal)
            ? AnswerExtractor.Gsm8kGold(raw)
            : raw;
        if (gold is null && solution is not null)
        {
            gold = AnswerExtractor.LastBoxed(solution);
        }

        gold = string.IsNullOrWhiteSpace(gold) ? null : gold.Trim();
        var kind = string.IsNullOrWhiteSpace(source) ? InferSource(row, questionField, answer) : source;
        return new Problem(id, question, gold, kind, line, steps, label);
    }

    /// <summary>The lower-case JSON kind used in error messages ("number", "boolean", ...).</summary>
    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Undefined => "nothing",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string InferSource(JsonElement row, string questionField, string? answer)
    {
        if (row.TryGetProperty("steps", out _) || row.TryGetProperty("label", out _))
        {
            return "processbench";
        }

        if (row.TryGetProperty("id", out _))
        {
            return "generic";
        }

        if (questionField == "question" && answer is not null && answer.Contains("####", StringComparison.Ordinal))
        {
            return "gsm8k";
        }

        return questionField == "problem" && (answer is not null || row.TryGetProperty("solution", out _)) ? "math" : "generic";
    }

    private static bool TryReadId(JsonElement row, int line, out string id, out string? error)
    {
        foreach (var field in (ReadOnlySpan<string>)["id", "unique_id"])
        {
            if (!row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                id = value.GetString()!;
                if (string.IsNullOrWhiteSpace(id))
                {
                    error = $"field '{field}' is empty";
                    return false;
                }

                error = null;
                return true;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            {
                id = number.ToString(CultureInfo.InvariantCulture);
                error = null;
                return true;
            }

            id = "";
            error = $"field '{field}' must be a string or integer, got {DescribeWrongType(value)}";
            return false;
        }

        id = line.ToString(CultureInfo.InvariantCulture);
        error = null;
        return true;
    }

    private static bool TryReadOptionalString(JsonElement row, string field, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!row.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"field '{field}' must be a string, got {KindName(element.ValueKind)}";
            return false;
        }

        value = element.GetString();
        return true;
    }

    /// <summary>Reads a gold-carrying field: a string, or a number written in invariant culture ("18", "0.5").</summary>
    private static bool TryReadAnswer(JsonElement row, string field, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!row.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                value = element.GetString();
                return true;
            case JsonValueKind.Number:
                value = FormatNumber(element);
                return true;
            default:
                error = $"field '{field}' must be a string or number, got {KindName(element.ValueKind)}";
                return false;
        }
    }

    private static string FormatNumber(JsonElement number)
    {
        if (number.TryGetInt64(out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        // "G29" drops the trailing zeros a decimal keeps from its source text (2.50 -> 2.5).
        if (number.TryGetDecimal(out var dec))
        {
            return dec.ToString("G29", CultureInfo.InvariantCulture);
        }

        return number.GetDouble().ToString("R", CultureInfo.InvariantCulture);
    }

    private static bool TryReadSteps(JsonElement row, out ImmutableArray<string> steps, out string? error)
    {
        steps = [];
        error = null;
        if (!row.TryGetProperty("steps", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"field 'steps' must be an array of strings, got {KindName(element.ValueKind)}";
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<string>(element.GetArrayLength());
        var index = 0;
        foreach (var step in element.EnumerateArray())
        {
            if (step.ValueKind != JsonValueKind.String)
            {
                error = $"field 'steps' item {index} must be a string, got {KindName(step.ValueKind)}";
                return false;
            }

            builder.Add(step.GetString()!);
            index++;
        }

        steps = builder.MoveToImmutable();
        return true;
    }

    private static bool TryReadLabel(JsonElement row, ImmutableArray<string> steps, out int? label, out string? error)
    {
        label = null;
        error = null;
        if (!row.TryGetProperty("label", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            error = $"field 'label' must be an integer, got {DescribeWrongType(element)}";
            return false;
        }

        if (value < -1 || (value >= 0 && value >= steps.Length))
        {
            error = $"field 'label' is {value}, but must be -1 or the index of one of the {steps.Length} steps";
            return false;
        }

        label = value;
        return true;
    }

    private static string DescribeWrongType(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? $"non-integer number {value.GetRawText()}" : KindName(value.ValueKind);
}
