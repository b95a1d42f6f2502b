// Benchmark entry point (DESIGN §6):
//   dotnet run -c Release --project bench -- SUITE [--quick]
// Each suite prints its figures and writes them to bench/results/SUITE.json.
using Experiments.Bench;

var suites = new Dictionary<string, Func<bool, Task<int>>>(StringComparer.Ordinal)
{
    ["engine"] = quick => new EngineSuite(quick).RunAsync(),
    ["msbuild"] = quick => new MSBuildSuite(quick).RunAsync(),
    ["metrics"] = quick => new MetricsSuite(quick).RunAsync(),
};

var quick = args.Contains("--quick", StringComparer.Ordinal);
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();

if (names.Count != 1 || !suites.TryGetValue(names[0], out var run))
{
    // A usage error, not a crash: name what exists and exit 2 like the CLI does.
    var given = names.Count == 0 ? "no suite given" : $"unknown suite '{string.Join(' ', names)}'";
    Console.Error.WriteLine($"bench: {given}.");
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- SUITE [--quick]");
    Console.Error.WriteLine($"suites: {string.Join(", ", suites.Keys.Order(StringComparer.Ordinal))}");
    return 2;
}

return await run(quick);
