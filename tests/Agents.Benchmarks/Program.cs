using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Benchmarks;

var modes = new[] { "saturation", "magicore", "scaleout", "affinity", "affinity-skew", "hop", "nbatch", "gateway", "grading" };
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var jsonIndex = Array.IndexOf(args, "--json");
var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? args[jsonIndex + 1] : null;
var quick = args.Contains("--quick");
// The magicore benchmark's dataset size (default 192, 96 with --quick): a larger dataset shrinks the job's tail.
var problemsIndex = Array.IndexOf(args, "--problems");
int? magicoreProblems = null;
if (problemsIndex >= 0)
{
    if (problemsIndex + 1 >= args.Length || !int.TryParse(args[problemsIndex + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 16 or > 4096)
    {
        Console.Error.WriteLine("--problems: expected a whole number from 16 to 4096");
        return 2;
    }

    magicoreProblems = n;
}

if (mode != "all" && !modes.Contains(mode))
{
    Console.Error.WriteLine($"usage: Agents.Benchmarks [{string.Join('|', modes)}|all] [--json FILE] [--quick] [--problems N]");
    return 2;
}

var results = new JsonObject { ["cores"] = Environment.ProcessorCount };
var benchmarks = new Benchmarks(quick, Console.Out) { MagicoreProblems = magicoreProblems };
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
