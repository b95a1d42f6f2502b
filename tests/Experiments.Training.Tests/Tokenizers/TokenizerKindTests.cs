using System.Text;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Training.Kinds;
using Experiments.Training.Text;
using Experiments.Training.Tokenizers;

namespace Experiments.Training.Tests.Tokenizers;

public sealed class TokenizerKindTests : IDisposable
{
    private static readonly string s_rows = string.Concat(SampleCorpus.Rows(100).Select((text, i) =>
        $"{{\"id\":{i},\"prompt\":{System.Text.Json.JsonSerializer.Serialize(text)},\"answer\":\"{i % 10}\"}}\n"));

    private readonly TemporaryFolder _folder = new();
    private readonly TokenizerKind _kind = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("char")]
    [InlineData("bpe")]
    [InlineData("gpt2")]
    public async Task Writes_a_loadable_tokenizer_and_reports_its_size_and_compression(string type)
    {
        StepContext context = Context(
            s_rows,
            ("type", CanonicalValue.String(type)),
            ("vocab_size", CanonicalValue.Number(64)),
            ("fields", CanonicalValue.List([CanonicalValue.String("prompt"), CanonicalValue.String("answer")])));

        await _kind.ExecuteAsync(context, CancellationToken.None);

        TextTokenizer loaded = TextTokenizer.Load(Path.Combine(_folder.Path, "out", "tokenizer"));
        Assert.Equal(type, loaded.Type);
        Assert.Equal(loaded.VocabSize, context.Metrics["vocab_size"]);
        Assert.Equal(100, context.Metrics["rows"]);
        double expected = type switch { "char" => 1.0, "bpe" => 1.5, _ => 2.0 };
        Assert.True(context.Metrics["chars_per_token"] >= expected, $"{type}: {context.Metrics["chars_per_token"]} characters per token");
        if (type == "bpe")
        {
            Assert.Equal(64, loaded.VocabSize);
        }
    }

    [Fact]
    public async Task Joins_the_chosen_fields_with_a_space()
    {
        StepContext context = Context(
            "{\"q\":\"ab\",\"a\":\"c\"}\n{\"q\":\"d\",\"a\":\"e\"}\n",
            ("type", CanonicalValue.String("char")),
            ("fields", CanonicalValue.List([CanonicalValue.String("q"), CanonicalValue.String("a")])));

        Assert.Equal(["ab c", "d e"], CorpusText.Read(context, "corpus", ["q", "a"], CancellationToken.None));
        await _kind.ExecuteAsync(context, CancellationToken.None);
        var loaded = Assert.IsType<CharTokenizer>(TextTokenizer.Load(Path.Combine(_folder.Path, "out", "tokenizer")));
        Assert.Equal(["<|endoftext|>", "<unk>", " ", "a", "b", "c", "d", "e"], loaded.Tokens);
        Assert.Equal(1.0, context.Metrics["chars_per_token"]);
    }

    [Theory]
    [InlineData("{\"text\":\"a\"}\n\n{\"txt\":\"b\"}\n", "input 'corpus', data.jsonl:3: row 2 has no field 'text' (it has: txt).")]
    [InlineData("{\"text\":\"a\"}\n{\"text\":7}\n", "input 'corpus', data.jsonl:2: row 2: field 'text' is number, not a string.")]
    [InlineData("{\"text\":null}\n", "input 'corpus', data.jsonl:1: row 1: field 'text' is null, not a string.")]
    [InlineData("", "tokenizer: the corpus (input 'corpus', 0 rows) has no text to learn a vocabulary from.")]
    public async Task A_row_without_usable_text_fails_the_step_naming_it(string rows, string expected)
    {
        StepContext context = Context(rows);

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.Equal(expected, failure.Message);
    }

    [Fact]
    public async Task An_empty_field_list_fails_the_step()
    {
        StepContext context = Context(s_rows, ("fields", CanonicalValue.List([])));

        var failure = await Assert.ThrowsAsync<StepFailedException>(() => _kind.ExecuteAsync(context, CancellationToken.None));

        Assert.Equal("tokenizer: 'fields' must name at least one field of input 'corpus'.", failure.Message);
    }

    [Fact]
    public void A_step_loading_a_corrupt_tokenizer_input_fails_naming_the_input()
    {
        string path = _folder.Combine("blob");
        File.WriteAllText(path, "{\"format\": 1, \"type\": \"wordpiece\"}");
        StepContext context = Context(s_rows, inputs: new() { ["tokenizer"] = Input(ArtifactType.Tokenizer, "tokenizer.json", path) });

        var failure = Assert.Throws<StepFailedException>(() => TextTokenizer.Load(context, "tokenizer"));

        Assert.Equal("input 'tokenizer', tokenizer.json: unknown tokenizer type 'wordpiece' (known: char, bpe, gpt2).", failure.Message);
    }

    [Fact]
    public void A_step_loads_a_tokenizer_input_from_its_files()
    {
        CharTokenizer.Train(["abc"]).Save(_folder.Combine("saved"));
        StepContext context = Context(s_rows, inputs: new()
        {
            ["tokenizer"] = Input(ArtifactType.Tokenizer, "tokenizer.json", _folder.Combine("saved", "tokenizer.json")),
        });

        Assert.Equal([2, 3, 4], TextTokenizer.Load(context, "tokenizer").Encode("abc"));
    }

    /// <summary>A context as an executor would build it: defaults from the schema, the corpus as input 'corpus'.</summary>
    private StepContext Context(
        string rows,
        params (string Name, CanonicalValue Value)[] overrides) => Context(rows, null, overrides);

    private StepContext Context(
        string rows,
        Dictionary<string, InputArtifact>? inputs,
        params (string Name, CanonicalValue Value)[] overrides)
    {
        string data = _folder.Combine("data.jsonl");
        File.WriteAllText(data, rows, new UTF8Encoding(false));
        Dictionary<string, CanonicalValue> parameters = _kind.Schema.Params.ToDictionary(p => p.Name, p => p.Default!);
        foreach ((string name, CanonicalValue value) in overrides)
        {
            parameters[name] = value;
        }
        inputs ??= [];
        inputs["corpus"] = Input(ArtifactType.Data, "data.jsonl", data);
        return new StepContext(
            "tok", _kind.Schema, 1, new StepParameters(parameters), inputs,
            new Dictionary<string, SourceFile>(), Path.Combine(_folder.Path, "out"), TextWriter.Null);
    }

    private static InputArtifact Input(ArtifactType type, string name, string path) =>
        new(type, new Dictionary<string, string> { [name] = path });
}
