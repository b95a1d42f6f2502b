using Experiments.Training.Tokenizers;

namespace Experiments.Training.Tests.Tokenizers;

public sealed class TokenizerFilesTests : IDisposable
{
    private static readonly IReadOnlyList<string> s_rows = SampleCorpus.Rows();
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Types => ["char", "bpe", "gpt2"];

    private static TextTokenizer Create(string type) => type switch
    {
        "char" => CharTokenizer.Train(s_rows),
        "bpe" => BpeTokenizer.Train(s_rows, vocabSize: 80),
        _ => Gpt2Tokenizer.Instance,
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void A_loaded_tokenizer_gives_the_same_ids(string type)
    {
        TextTokenizer saved = Create(type);
        saved.Save(_folder.Path);

        TextTokenizer loaded = TextTokenizer.Load(_folder.Path);

        Assert.Equal(saved.GetType(), loaded.GetType());
        Assert.Equal((saved.Type, saved.VocabSize, saved.EndOfText), (loaded.Type, loaded.VocabSize, loaded.EndOfText));
        foreach (string row in s_rows.Append("unseen: Ω🚀<|endoftext|>"))
        {
            Assert.Equal(saved.Encode(row), loaded.Encode(row));
        }
    }

    [Fact]
    public void A_loaded_bpe_has_the_same_vocabulary_and_merges()
    {
        var saved = BpeTokenizer.Train(s_rows, vocabSize: 80);
        saved.Save(_folder.Path);

        var loaded = Assert.IsType<BpeTokenizer>(TextTokenizer.Load(_folder.Path));

        Assert.Equal(saved.Tokens, loaded.Tokens);
        Assert.Equal(saved.Merges, loaded.Merges);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Saving_is_byte_for_byte_repeatable(string type)
    {
        Create(type).Save(_folder.Combine("a"));
        Create(type).Save(_folder.Combine("b"));

        Assert.Equal(File.ReadAllBytes(_folder.Combine("a", "tokenizer.json")), File.ReadAllBytes(_folder.Combine("b", "tokenizer.json")));
    }

    [Fact]
    public void The_file_is_readable_json_naming_its_format_and_type()
    {
        BpeTokenizer.Train(["ab ab ab abc"], vocabSize: 100).Save(_folder.Path);

        string text = File.ReadAllText(_folder.Combine("tokenizer.json"));

        Assert.StartsWith("{\n  \"format\": 1,\n  \"type\": \"bpe\",\n  \"pre_tokenizer\": \"gpt2\",\n  \"tokens\": [\n    \"<|endoftext|>\",", text);
    }

    [Fact]
    public void A_missing_file_names_the_file()
    {
        string message = Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(_folder.Path)).Message;

        Assert.Equal($"{_folder.Combine("tokenizer.json")}: no such file (a tokenizer folder holds tokenizer.json, written by a tokenizer step).", message);
    }

    [Theory]
    [InlineData("{\"format\": 1, \"type\": ", "not valid JSON: ")]
    [InlineData("[1, 2]", "expected a JSON object.")]
    [InlineData("{\"type\": \"char\"}", "field 'format' is missing.")]
    [InlineData("{\"format\": 2, \"type\": \"char\"}", "format 2 is not supported (this version reads format 1).")]
    [InlineData("{\"format\": 1, \"type\": 3}", "field 'type' must be a string.")]
    [InlineData("{\"format\": 1, \"type\": \"wordpiece\"}", "unknown tokenizer type 'wordpiece' (known: char, bpe, gpt2).")]
    [InlineData("{\"format\": 1, \"type\": \"char\"}", "field 'tokens' is missing.")]
    [InlineData("{\"format\": 1, \"type\": \"char\", \"tokens\": [\"<unk>\", \"a\"]}", "'tokens' must start with \"<|endoftext|>\" and \"<unk>\".")]
    [InlineData("{\"format\": 1, \"type\": \"char\", \"tokens\": [\"<|endoftext|>\", \"<unk>\", \"a\", \"a\"]}", "'tokens': Token 3 ('a') is empty or repeats an earlier one.")]
    [InlineData("{\"format\": 1, \"type\": \"char\", \"tokens\": [\"<|endoftext|>\", \"<unk>\", \"ab\"]}", "'tokens': Token 2 ('ab') is not a single character.")]
    [InlineData("{\"format\": 1, \"type\": \"bpe\", \"pre_tokenizer\": \"gpt2\", \"tokens\": [\"<|endoftext|>\", \"<unk>\", \"a\"], \"merges\": [[\"a\", \"b\"]]}", "'merges': Merge 0 ('a' + 'b') names a token that is not in the vocabulary.")]
    [InlineData("{\"format\": 1, \"type\": \"bpe\", \"pre_tokenizer\": \"gpt2\", \"tokens\": [\"<|endoftext|>\", \"<unk>\", \"a\"], \"merges\": [\"a a\"]}", "merges[0] must be a list of two strings.")]
    [InlineData("{\"format\": 1, \"type\": \"bpe\", \"pre_tokenizer\": \"bert\"}", "unknown pre_tokenizer 'bert' (known: gpt2).")]
    public void A_corrupt_file_names_the_file_and_the_problem(string content, string problem)
    {
        string path = _folder.Combine("tokenizer.json");
        File.WriteAllText(path, content);

        string message = Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(_folder.Path)).Message;

        Assert.StartsWith($"{path}: {problem}", message);
    }
}
