using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Benchmarks;
using Agents.Core.Magicore;

var modes = new[] { "saturation", "magicore", "scaleout", "affinity", "affinity-skew", "hop", "nbatch", "gateway", "grading" };
var mode = new Argument<string>("mode") { Description = "The benchmark to run", DefaultValueFactory = _ => "all" };
mode.AcceptOnlyFromAmong([.. modes, "all"]);
var json = new Option<FileInfo?>("--json") { Description = "Also write every figure to this JSON file" };
var quick = new Option<bool>("--quick") { Description = "Smaller workloads (a smoke run, not the figures docs/performance.md reports)" };
var problems = new Option<int?>("--problems") { Description = "magicore: problems in the dataset (16 to 4096; default 192, 96 with --quick)" };
problems.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int?>() is { } n && n is < 16 or > 4096)
    {
        r.AddError("--problems: expected a whole number from 16 to 4096");
    }
});
var draw = new Option<string>("--draw") { Description = "magicore: split (each problem's statistics chain first, the default here) or together (one request of k, as the released code)", DefaultValueFactory = _ => "split" };
draw.AcceptOnlyFromAmong("split", "together");
var slots = new Option<string>("--slots") { Description = "magicore: what a simulated server's slot holds: sequence (a draw of k chains holds k slots, as vLLM counts them; the default) or request", DefaultValueFactory = _ => "sequence" };
slots.AcceptOnlyFromAmong("sequence", "request");

var pipelined = new Option<bool>("--pipelined-references") { Description = "magicore: the reference schedules send each chain's refinement as soon as its review returns, as the job does, instead of a batch of reviews, then a batch of refinements" };

var root = new RootCommand("Agents benchmarks: figures as ratios on the path a user runs (docs/performance.md)") { mode, json, quick, problems, draw, slots, pipelined };
root.SetAction(async (parse, cancellationToken) =>
{
    var selected = parse.GetRequiredValue(mode);
    var jsonPath = parse.GetValue(json);
    var results = new JsonObject { ["cores"] = Environment.ProcessorCount };
    var benchmarks = new Benchmarks(parse.GetValue(quick), Console.Out)
    {
        MagicoreProblems = parse.GetValue(problems),
        MagicoreDraw = parse.GetRequiredValue(draw) == "together" ? MagicoreDraw.Together : MagicoreDraw.Split,
        SlotPerChoice = parse.GetRequiredValue(slots) == "sequence",
        PipelinedReferences = parse.GetValue(pipelined),
    };
    foreach (var name in selected == "all" ? modes : [selected])
    {
        Console.WriteLine($"== {name} ({Environment.ProcessorCount} cores)");
        var started = DateTime.UtcNow;
        foreach (var (key, value) in await benchmarks.RunAsync(name))
        {
            results[key] = value;
            Console.WriteLine($"   {key} = {value.ToString(CultureInfo.InvariantCulture)}");
        }

        Console.WriteLine($"   ({(DateTime.UtcNow - started).TotalSeconds:F1} s)");
    }

    if (jsonPath is not null)
    {
        await File.WriteAllTextAsync(jsonPath.FullName, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        Console.WriteLine($"wrote {jsonPath.FullName}");
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();
