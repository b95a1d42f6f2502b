using Experiments.Engine.Execution;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class LoadTests : IDisposable
{
    private readonly StepHarness _harness = new();
    private readonly LoadKind _kind = new();

    public void Dispose() => _harness.Dispose();

    private StepRun Load(string displayPath, string content, string format = "auto") =>
        _harness.Run(_kind, new { format }, sources: Source(displayPath, content));

    private string LoadFails(string displayPath, string content, string format = "auto") =>
        _harness.Fails(_kind, new { format }, sources: Source(displayPath, content));

    private Dictionary<string, SourceFile> Source(string displayPath, string content) =>
        new() { ["path"] = _harness.Source(displayPath, content) };

    [Fact]
    public void Jsonl_is_copied_to_canonical_form()
    {
        StepRun run = Load("data/in.jsonl", "\uFEFF{\"b\": 1.0, \"a\": \"x\"}\r\n\n{\"b\": 2e0, \"a\": \"y\", \"c\": [true, null]}\n");
        Assert.Equal("{\"b\":1,\"a\":\"x\"}\n{\"b\":2,\"a\":\"y\",\"c\":[true,null]}\n", run.Text());
        Assert.Equal(2, run.Metrics["rows"]);
    }

    [Fact]
    public void A_malformed_jsonl_line_fails_naming_the_file_as_written_and_the_line()
    {
        string message = LoadFails("data/reviews.jsonl", "{\"a\":1}\n\n{\"a\":2,}\n{\"a\":3}\n");
        Assert.StartsWith("data/reviews.jsonl:3: invalid JSON: ", message);
    }

    [Fact]
    public void A_jsonl_line_that_is_not_an_object_fails_naming_the_line() =>
        Assert.Equal("x.ndjson:2: expected a JSON object, found number.", LoadFails("x.ndjson", "{}\n42\n"));

    [Fact]
    public void Csv_columns_of_numbers_become_numbers_and_everything_else_stays_text()
    {
        string csv = "name,age,score,zip,note,flag\n" +
                     "Ann,31,0.5,02134,\"hello, \"\"world\"\"\",true\n" +
                     "Ben,,1e3,12345,\"two\nlines\",false\n";
        StepRun run = Load("people.csv", csv);
        Assert.Equal(
            "{\"name\":\"Ann\",\"age\":31,\"score\":0.5,\"zip\":\"02134\",\"note\":\"hello, \\\"world\\\"\",\"flag\":\"true\"}\n" +
            "{\"name\":\"Ben\",\"age\":null,\"score\":1000,\"zip\":\"12345\",\"note\":\"two\\nlines\",\"flag\":\"false\"}\n",
            run.Text());
        Assert.Equal(2, run.Metrics["rows"]);
        Assert.Equal(6, run.Metrics["columns"]);
    }

    [Fact]
    public void An_empty_text_column_stays_text()
    {
        StepRun run = Load("t.csv", "a,b\r\n1,\r\n2,\r\n");
        Assert.Equal("{\"a\":1,\"b\":\"\"}\n{\"a\":2,\"b\":\"\"}\n", run.Text());
    }

    [Fact]
    public void A_csv_row_with_the_wrong_number_of_fields_fails_naming_the_line()
    {
        string message = LoadFails("data/t.csv", "a,b,c\n1,2,3\n\n4,\"x\ny\",6\n7,8\n");
        Assert.Equal("data/t.csv:6: expected 3 fields (a, b, c) but found 2.", message);
    }

    [Fact]
    public void Malformed_csv_quoting_fails_naming_the_line()
    {
        string message = LoadFails("q.csv", "a,b\n1,2\n3,x\"y\n");
        Assert.StartsWith("q.csv:3: malformed CSV: ", message);
        Assert.Contains("quote", message);
    }

    [Theory]
    [InlineData("", "the CSV file is empty")]
    [InlineData("a,,c\n1,2,3\n", "column 2 of the header has no name")]
    [InlineData("a,b,a\n1,2,3\n", "column 'a' appears twice")]
    public void Bad_csv_headers_fail_clearly(string csv, string expected) =>
        Assert.Contains(expected, LoadFails("h.csv", csv));

    [Fact]
    public void Format_is_inferred_from_the_extension_or_given()
    {
        Assert.Contains("set format: jsonl or format: csv", LoadFails("data.txt", "{}\n"));
        Assert.Equal("{\"a\":1}\n", Load("data.txt", "{\"a\":1}\n", format: "jsonl").Text());
        Assert.Equal("{\"a\":1}\n", Load("data.TXT", "a\n1\n", format: "csv").Text());
    }

    [Fact]
    public void Loading_is_deterministic()
    {
        string csv = "x,y\n1,a\n2,b\n";
        Assert.Equal(Load("a.csv", csv).Bytes(), Load("a.csv", csv).Bytes());
    }
}
