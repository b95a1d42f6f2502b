using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class GenerateArithmeticTests : IDisposable
{
    private readonly StepHarness _harness = new();
    private readonly GenerateArithmeticKind _kind = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        byte[] first = _harness.Run(_kind, new { examples = 300 }, seed: 7).Bytes();
        byte[] again = _harness.Run(_kind, new { examples = 300 }, seed: 7).Bytes();
        byte[] other = _harness.Run(_kind, new { examples = 300 }, seed: 8).Bytes();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Rows_have_ids_fields_in_order_and_metrics_count_levels()
    {
        StepRun run = _harness.Run(_kind, new { examples = 400 });
        IReadOnlyList<JsonObject> rows = run.Rows();
        Assert.Equal(400, rows.Count);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), run.Ids());
        Assert.All(rows, r => Assert.Equal(["id", "prompt", "answer", "level"], r.Select(p => p.Key)));
        Assert.Equal(400, run.Metrics["rows"]);
        for (int level = 1; level <= 4; level++)
        {
            int count = rows.Count(r => (int)r["level"]! == level);
            Assert.Equal(count, run.Metrics[$"level_{level}"]);
            Assert.InRange(count, 60, 140);
        }
        Assert.NotEmpty(run.Progress);
        Assert.Equal(1.0, run.Progress[^1].Fraction);
    }

    [Fact]
    public void Every_answer_is_correct()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 2000, max_operand = 500 }, seed: 3).Rows();
        var templatesSeen = new HashSet<string>();
        foreach (JsonObject row in rows)
        {
            string prompt = (string)row["prompt"]!;
            long answer = long.Parse((string)row["answer"]!, CultureInfo.InvariantCulture);
            int level = (int)row["level"]!;
            (long expected, string template) = Evaluate(prompt);
            Assert.True(expected == answer, $"'{prompt}' answered {answer}, expected {expected}");
            Assert.Equal(level, template[0] - '0');
            templatesSeen.Add(template);
        }
        Assert.Equal(10, templatesSeen.Count);
    }

    [Fact]
    public void Only_the_requested_levels_appear()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 200, levels = new[] { 3 } }).Rows();
        Assert.All(rows, r => Assert.Equal(3, (int)r["level"]!));
    }

    [Theory]
    [InlineData(new[] { 0 }, "level 0")]
    [InlineData(new[] { 5 }, "level 5")]
    [InlineData(new int[0], "'levels' is empty")]
    public void Bad_levels_fail_clearly(int[] levels, string expected) =>
        Assert.Contains(expected, _harness.Fails(_kind, new { examples = 10, levels }));

    [Fact]
    public void Level_one_never_goes_negative_and_level_three_has_whole_solutions()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 500, levels = new[] { 1, 3 } }).Rows();
        Assert.All(rows.Where(r => (int)r["level"]! == 1), r => Assert.DoesNotContain("-", (string)r["answer"]!));
        Assert.Contains(rows, r => ((string)r["answer"]!).StartsWith('-'));
    }

    /// <summary>Evaluates a prompt independently of the generator; returns the answer and which template matched.</summary>
    private static (long Answer, string Template) Evaluate(string prompt)
    {
        Match m;
        if ((m = Regex.Match(prompt, @"^What is (\d+) ([+-]) (\d+)\?$")).Success)
        {
            long a = N(m, 1), b = N(m, 3);
            return m.Groups[2].Value == "+" ? (a + b, "1+") : (a - b, "1-");
        }
        if ((m = Regex.Match(prompt, @"^What is (\d+) ([×÷]) (\d+)\?$")).Success)
        {
            long a = N(m, 1), b = N(m, 3);
            if (m.Groups[2].Value == "×")
            {
                return (a * b, "2×");
            }
            Assert.Equal(0, a % b);
            return (a / b, "2÷");
        }
        if ((m = Regex.Match(prompt, @"^Solve for x: (\d+)x ([+-]) (\d+) = (-?\d+)$")).Success)
        {
            long a = N(m, 1), b = N(m, 3), c = N(m, 4);
            long rhs = m.Groups[2].Value == "+" ? c - b : c + b;
            Assert.Equal(0, rhs % a);
            return (rhs / a, "3" + m.Groups[2].Value);
        }
        if ((m = Regex.Match(prompt, @"^(\w+) has (\d+) (\w+) and buys (\d+) bags of (\d+) \3\. How many \3 does \1 have now\?$")).Success)
        {
            return (N(m, 2) + N(m, 4) * N(m, 5), "4buy");
        }
        if ((m = Regex.Match(prompt, @"^(\w+) has (\d+) (\w+) and gives (\d+) friends (\d+) \3 each\. How many \3 does \1 have left\?$")).Success)
        {
            return (N(m, 2) - N(m, 4) * N(m, 5), "4give");
        }
        if ((m = Regex.Match(prompt, @"^(\w+) buys (\d+) boxes of (\d+) (\w+) and shares them equally among (\d+) friends\. How many \4 does each friend get\?$")).Success)
        {
            long total = N(m, 2) * N(m, 3);
            Assert.Equal(0, total % N(m, 5));
            return (total / N(m, 5), "4share");
        }
        if ((m = Regex.Match(prompt, @"^(\w+) earns (\d+) dollars a day for (\d+) days and spends (\d+) dollars\. How many dollars does \1 have left\?$")).Success)
        {
            return (N(m, 2) * N(m, 3) - N(m, 4), "4earn");
        }
        throw new Xunit.Sdk.XunitException($"Unrecognised prompt: {prompt}");
    }

    private static long N(Match m, int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
}
