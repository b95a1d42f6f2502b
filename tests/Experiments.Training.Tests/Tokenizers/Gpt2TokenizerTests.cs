using Experiments.Training.Tokenizers;

namespace Experiments.Training.Tests.Tokenizers;

public sealed class Gpt2TokenizerTests
{
    private readonly Gpt2Tokenizer _tokenizer = Gpt2Tokenizer.Instance;

    [Fact]
    public void Encodes_with_the_real_gpt2_vocabulary()
    {
        Assert.Equal([15496, 995], _tokenizer.Encode("Hello world"));
        Assert.Equal([50256], _tokenizer.Encode("<|endoftext|>"));
        Assert.Equal(50257, _tokenizer.VocabSize);
        Assert.Equal(50256, _tokenizer.EndOfText);
        Assert.Equal("gpt2", _tokenizer.Type);
    }

    [Fact]
    public void Round_trips_any_text_since_it_is_byte_level()
    {
        const string text = "naïve café 😀 中文\n\ttabs  and   spaces, it's 2+2=4<|endoftext|>next";

        Assert.Equal(text, _tokenizer.Decode(_tokenizer.Encode(text)));
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.Decode([50257]));
}
