using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Benchmarks;

var modes = new[] { "saturation", "magicore", "scaleout", "affinity", "affinity-skew", "hop", "nbatch", "gateway", "grading" };
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var jsonIndex = Array.IndexOf(args, "--json");
var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? args[jsonIndex + 1] : null;
var quick = args.Contains("--quick");
if (mode != "all" && !modes.Contains(mode))
{
    Console.Error.WriteLine($"usage: Agents.Benchmarks [{string.Join('|', modes)}|all] [--json FILE] [--quick]");
    return 2;
}

var results = new JsonObject { ["cores"] = Environment.ProcessorCount };
var benchmarks = new Benchmarks(quick, Console.Out);
foreach (var name in mode == "all" ? modes : [mode])
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
    await File.WriteAllTextAsync(jsonPath, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {jsonPath}");
}

return 0;
