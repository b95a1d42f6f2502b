using Experiments.Training.Tokenizers;
using FsCheck.Xunit;

namespace Experiments.Training.Tests.Tokenizers;

public sealed class BpeTokenizerTests
{
    private static readonly IReadOnlyList<string> s_rows = SampleCorpus.Rows();
    private static readonly string[] s_alphabet = SampleCorpus.Alphabet(s_rows);
    private static readonly BpeTokenizer s_tokenizer = BpeTokenizer.Train(s_rows, vocabSize: 96);

    [Fact]
    public void Learns_the_most_frequent_pair_first_and_keeps_leading_spaces_with_the_word()
    {
        // Words: "ab", " ab", " ab", " abc". (a,b) occurs 4 times, then (" ",ab) 3 times; (ab,c) once only.
        BpeTokenizer tokenizer = BpeTokenizer.Train(["ab ab ab abc"], vocabSize: 100);

        Assert.Equal([("a", "b"), (" ", "ab")], tokenizer.Merges);
        Assert.Equal(["<|endoftext|>", "<unk>", " ", "a", "b", "c", "ab", " ab"], tokenizer.Tokens);
        Assert.Equal([6, 7, 7, 5], tokenizer.Encode("ab ab abc"));
    }

    [Fact]
    public void Stops_at_the_vocabulary_size()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Train(["ab ab ab abc"], vocabSize: 7);

        Assert.Equal([("a", "b")], tokenizer.Merges);
        Assert.Equal(7, tokenizer.VocabSize);
    }

    [Fact]
    public void Breaks_ties_by_ordinal_token_text_whatever_the_row_order()
    {
        BpeTokenizer first = BpeTokenizer.Train(["xy", "xy", "ab", "ab"], vocabSize: 100);
        BpeTokenizer second = BpeTokenizer.Train(["ab", "xy", "ab", "xy"], vocabSize: 100);

        Assert.Equal([("a", "b"), ("x", "y")], first.Merges);
        Assert.Equal(first.Merges, second.Merges);
        Assert.Equal(first.Tokens, second.Tokens);
    }

    [Fact]
    public void Training_is_deterministic()
    {
        BpeTokenizer again = BpeTokenizer.Train(s_rows.Reverse(), vocabSize: 96);

        Assert.Equal(s_tokenizer.Tokens, again.Tokens);
        Assert.Equal(s_tokenizer.Merges, again.Merges);
        Assert.Equal(96, s_tokenizer.VocabSize);
    }

    [Fact]
    public void More_merges_give_fewer_tokens()
    {
        int Count(TextTokenizer tokenizer) => s_rows.Sum(r => tokenizer.Encode(r).Length);
        int characters = Count(CharTokenizer.Train(s_rows));
        int small = Count(BpeTokenizer.Train(s_rows, vocabSize: 48));
        int large = Count(s_tokenizer);

        Assert.True(small < characters, $"{small} tokens with 48 vs {characters} characters");
        Assert.True(large < small * 0.8, $"{large} tokens with 96 vs {small} with 48");
    }

    [Fact]
    public void Merges_never_cross_word_boundaries()
    {
        foreach (string token in s_tokenizer.Tokens.Skip(2))
        {
            Assert.Equal(token.Length, PreTokenizer.NextWord(token));
        }
        Assert.Contains(" the", s_tokenizer.Tokens);
    }

    [Property(MaxTest = 200)]
    public bool Decoding_inverts_encoding_on_text_of_corpus_characters(int[] picks)
    {
        string text = SampleCorpus.Pick(s_alphabet, picks);
        return s_tokenizer.Decode(s_tokenizer.Encode(text)) == text;
    }

    [Fact]
    public void Encodes_the_training_rows_back_to_themselves()
    {
        foreach (string row in s_rows)
        {
            Assert.Equal(row, s_tokenizer.Decode(s_tokenizer.Encode(row)));
        }
    }

    [Fact]
    public void Unseen_characters_map_to_unk_without_disturbing_their_neighbours()
    {
        int[] ids = s_tokenizer.Encode(" theΩ the");

        Assert.Equal(s_tokenizer.Encode(" the"), ids[..^(1 + s_tokenizer.Encode(" the").Length)]);
        Assert.Contains(s_tokenizer.Unknown, ids);
        Assert.Equal(" the\uFFFD the", s_tokenizer.Decode(ids));
    }

    [Fact]
    public void The_literal_end_of_text_marker_is_the_end_of_text_token()
    {
        int[] ids = s_tokenizer.Encode("the cat<|endoftext|>the cat");

        Assert.Equal(s_tokenizer.EndOfText, Assert.Single(ids, id => id == s_tokenizer.EndOfText));
        Assert.Equal("the cat<|endoftext|>the cat", s_tokenizer.Decode(ids));
        Assert.DoesNotContain("<|endoftext|>", BpeTokenizer.Train(["a<|endoftext|>b"], 50).Tokens.Skip(1));
    }
}
