using System.Globalization;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Training.Text;
using Experiments.Training.Tokenizers;

namespace Experiments.Training.Kinds;

/// <summary>
/// <c>tokenizer</c>: builds a tokenizer from a corpus (a Data input) and writes it as a Tokenizer
/// artifact (<c>tokenizer.json</c>). <c>char</c> and <c>bpe</c> learn their vocabulary from the
/// corpus' text (the <c>fields</c> of each row joined by a space); <c>gpt2</c> is the fixed GPT-2
/// vocabulary and only measures the corpus. Metrics: <c>vocab_size</c>, <c>chars_per_token</c>
/// (Unicode scalar values per token over the whole corpus: the compression the tokenizer gets),
/// <c>rows</c>, <c>corpus_tokens</c>.
/// </summary>
public sealed class TokenizerKind : StepKind
{
    private static readonly StepKindSchema s_schema = new(
        "tokenizer",
        Version: 1,
        "model",
        "Builds a tokenizer (char, bpe trained on the corpus, or GPT-2's) for models trained on this corpus.",
        EquatableArray.Create(new InputSpec("corpus", ArtifactType.Data, "The text to learn the vocabulary from (data.jsonl).")),
        EquatableArray.Create(
            ParamSpec.Choice("type", "char: one token per character; bpe: byte-pair merges learned from the corpus; gpt2: GPT-2's fixed 50,257-token BPE.", "bpe", "char", "bpe", "gpt2"),
            ParamSpec.Int("vocab_size", "bpe only: the most tokens to learn, counting the characters and 2 special tokens (fewer if no pair repeats). Ignored by char and gpt2.", @default: 512, min: 8, max: 1_000_000),
            new ParamSpec("fields", ParamType.List(ParamType.String), "The fields of each row that make its text, joined by a single space; each must be a string.")
            {
                Default = CanonicalValue.List([CanonicalValue.String("text")]),
            }),
        EquatableArray.Create(new OutputSpec("tokenizer", ArtifactType.Tokenizer, "The tokenizer (tokenizer.json).")));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        string type = context.Params.GetString("type");
        List<string> texts = [.. CorpusText.Read(context, "corpus", context.Params.GetStringList("fields"), cancellationToken)];
        context.Report(0.1, $"{texts.Count} rows");

        TextTokenizer tokenizer = type switch
        {
            "char" => CharTokenizer.Train(texts),
            "bpe" => BpeTokenizer.Train(texts, context.Params.GetInt32("vocab_size")),
            "gpt2" => Gpt2Tokenizer.Instance,
            _ => throw new StepFailedException($"tokenizer: unknown type '{type}' (known: char, bpe, gpt2)."),
        };
        if (type != "gpt2" && tokenizer.VocabSize <= 2)
        {
            throw new StepFailedException($"tokenizer: the corpus (input 'corpus', {texts.Count} rows) has no text to learn a vocabulary from.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        tokenizer.Save(context.OutputDirectory("tokenizer"));
        context.Report(0.5, $"{tokenizer.VocabSize} tokens");

        long characters = 0;
        long tokens = 0;
        foreach (string text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            characters += ScalarCount(text);
            tokens += tokenizer.Encode(text).Length;
        }
        double charsPerToken = tokens == 0 ? 0 : (double)characters / tokens;
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{type}: {tokenizer.VocabSize} tokens; corpus of {texts.Count} rows, {characters} characters -> {tokens} tokens ({charsPerToken:F3} characters per token)"));
        context.Metric("vocab_size", tokenizer.VocabSize);
        context.Metric("chars_per_token", charsPerToken);
        context.Metric("rows", texts.Count);
        context.Metric("corpus_tokens", tokens);
        context.Report(1);
        return Task.CompletedTask;
    }

    /// <summary>Unicode scalar values: UTF-16 code units less the low halves of surrogate pairs.</summary>
    private static long ScalarCount(string text)
    {
        long count = text.Length;
        for (int i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
            }
        }
        return count;
    }
}
