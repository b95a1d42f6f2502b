using Experiments.Training.Tokenizers;
using FsCheck.Xunit;

namespace Experiments.Training.Tests.Tokenizers;

public sealed class CharTokenizerTests
{
    private static readonly IReadOnlyList<string> s_rows = SampleCorpus.Rows();
    private static readonly string[] s_alphabet = SampleCorpus.Alphabet(s_rows);
    private static readonly CharTokenizer s_tokenizer = CharTokenizer.Train(s_rows);

    [Fact]
    public void The_vocabulary_is_the_specials_then_the_corpus_characters_sorted_by_scalar_value()
    {
        CharTokenizer tokenizer = CharTokenizer.Train(["ba", "a😀c", "\uFF5E"]);

        // U+FF5E sorts before U+1F600 by scalar value though its UTF-16 code unit sorts after the surrogates.
        Assert.Equal(["<|endoftext|>", "<unk>", "a", "b", "c", "\uFF5E", "😀"], tokenizer.Tokens);
        Assert.Equal(7, tokenizer.VocabSize);
        Assert.Equal(0, tokenizer.EndOfText);
        Assert.Equal(1, tokenizer.Unknown);
        Assert.Equal([3, 2, 6, 4], tokenizer.Encode("ba😀c"));
    }

    [Property(MaxTest = 200)]
    public bool Decoding_inverts_encoding_on_text_of_corpus_characters(int[] picks)
    {
        string text = SampleCorpus.Pick(s_alphabet, picks);
        int[] ids = s_tokenizer.Encode(text);
        return s_tokenizer.Decode(ids) == text && ids.Length == text.EnumerateRunes().Count();
    }

    [Fact]
    public void Unseen_characters_map_to_unk_and_decode_to_the_replacement_character()
    {
        int[] ids = s_tokenizer.Encode("cat Ω🚀");

        Assert.Equal([s_tokenizer.Unknown, s_tokenizer.Unknown], ids[^2..]);
        Assert.Equal("cat \uFFFD\uFFFD", s_tokenizer.Decode(ids));
    }

    [Fact]
    public void The_literal_end_of_text_marker_is_the_end_of_text_token()
    {
        int[] ids = s_tokenizer.Encode("cat<|endoftext|>sat");

        Assert.Equal(7, ids.Length);
        Assert.Equal(s_tokenizer.EndOfText, ids[3]);
        Assert.Equal("cat<|endoftext|>sat", s_tokenizer.Decode(ids));
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => s_tokenizer.Decode([2, s_tokenizer.VocabSize]));
        Assert.Contains($"Token id {s_tokenizer.VocabSize} is outside this char tokenizer's vocabulary", error.Message);
    }
}
