using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Steps.Data;

namespace Experiments.Engine.Tests.Steps;

public sealed class JsonlDatasetTests : IDisposable
{
    private readonly StepHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1e2", "100")]
    [InlineData("-0", "0")]
    [InlineData("0.10", "0.1")]
    [InlineData("2.5E-3", "0.0025")]
    [InlineData("12345678901234567", "12345678901234567")]
    public void Numbers_have_one_spelling(string source, string canonical) =>
        Assert.Equal(canonical, JsonlDataset.CanonicalNumber(source));

    [Fact]
    public void Rows_are_written_compactly_in_property_order_with_newline_endings_and_no_bom()
    {
        string dir = Path.Combine(_harness.Root, "w");
        Directory.CreateDirectory(dir);
        using (var writer = new JsonlWriter(dir))
        {
            writer.Write(new JsonObject { ["z"] = 1.0, ["a"] = "é <b> \"q\"", ["n"] = null, ["l"] = new JsonArray(1, true) });
            writer.Write(JsonlDataset.ParseObject("{\"x\": 2.50, \"y\": [1.0, {\"k\": 1e1}]}", "t", 1));
        }
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "data.jsonl"));
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal(
            "{\"z\":1,\"a\":\"é <b> \\\"q\\\"\",\"n\":null,\"l\":[1,true]}\n{\"x\":2.5,\"y\":[1,{\"k\":10}]}\n",
            System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Reading_skips_blank_lines_and_keeps_line_numbers()
    {
        string path = Path.Combine(_harness.Root, "r.jsonl");
        File.WriteAllText(path, "{\"a\":1}\r\n\r\n   \n{\"a\":2}");
        JsonlRow[] rows = JsonlDataset.Read(path, "r.jsonl", CancellationToken.None).ToArray();
        Assert.Equal([1, 4], rows.Select(r => r.LineNumber));
        Assert.Equal(2, (int)rows[1].Value["a"]!);
    }

    [Theory]
    [InlineData("{\"a\":1", "in.jsonl:3: invalid JSON:")]
    [InlineData("[1,2]", "in.jsonl:3: expected a JSON object, found array.")]
    [InlineData("\"text\"", "in.jsonl:3: expected a JSON object, found string.")]
    [InlineData("null", "in.jsonl:3: expected a JSON object, found null.")]
    [InlineData("{\"a\":1,\"a\":2}", "in.jsonl:3: invalid JSON:")]
    public void A_bad_line_fails_naming_file_and_line(string badLine, string expectedStart)
    {
        string path = Path.Combine(_harness.Root, "in.jsonl");
        File.WriteAllText(path, "{\"ok\":1}\n{\"ok\":2}\n" + badLine + "\n{\"ok\":3}\n");
        var e = Assert.Throws<StepFailedException>(() => JsonlDataset.Read(path, "in.jsonl", CancellationToken.None).ToArray());
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void Invalid_utf8_fails_naming_the_line()
    {
        string path = Path.Combine(_harness.Root, "bad.jsonl");
        File.WriteAllBytes(path, [.. "{\"a\":1}\n{\"a\":\""u8, 0xFF, .. "\"}\n"u8]);
        var e = Assert.Throws<StepFailedException>(() => JsonlDataset.Read(path, "bad.jsonl", CancellationToken.None).ToArray());
        Assert.Contains("bad.jsonl:2", e.Message);
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("1.0", "1")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("[1, \"a\"]", "[1,\"a\"]")]
    public void Value_text_is_the_string_or_the_canonical_json(string json, string expected) =>
        Assert.Equal(expected, JsonlDataset.ValueText(JsonlDataset.ParseObject("{\"v\":" + json + "}", "t", 1)["v"]));

    [Fact]
    public void Largest_remainder_counts_are_exact_and_favour_larger_remainders()
    {
        Assert.Equal([8, 1, 1], Allocation.LargestRemainder(10, [0.8, 0.1, 0.1]));
        Assert.Equal([6, 2, 1], Allocation.LargestRemainder(9, [0.7, 0.2, 0.1]));
        Assert.Equal([1, 1, 1], Allocation.LargestRemainder(3, [1 / 3.0, 1 / 3.0, 1 / 3.0]));
        Assert.Equal([2, 1, 1], Allocation.LargestRemainder(4, [1 / 3.0, 1 / 3.0, 1 / 3.0]));
        Assert.Equal([0, 5, 0], Allocation.LargestRemainder(5, [0, 1, 0]));
        for (int total = 0; total < 50; total++)
        {
            Assert.Equal(total, Allocation.LargestRemainder(total, [0.29, 0.71, 0]).Sum());
        }
    }
}
