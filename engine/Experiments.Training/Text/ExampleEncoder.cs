using Experiments.Training.Tokenizers;
using Experiments.Training.Training;

namespace Experiments.Training.Text;

/// <summary>
/// Tokenises fine-tuning rows: prompt + separator, then completion, then end-of-text for causal LM
/// (prompt and completion are encoded separately so the loss mask falls on a token boundary); the
/// text and the label's id for classification. Sequences longer than the model's context are cut
/// at the end and counted.
/// </summary>
internal sealed class ExampleEncoder(TextTokenizer tokenizer, int context, Objective objective, string separator, IReadOnlyList<string> labels)
{
    private readonly Dictionary<string, int> _labelIds = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);

    public int Truncated { get; private set; }

    /// <summary><paramref name="row"/> is [prompt, completion] or [text, label].</summary>
    public SupervisedExample Encode(string[] row)
    {
        if (objective == Objective.Classify)
        {
            int[] text = Cut(tokenizer.Encode(row[0]), context);
            return new SupervisedExample(text, text.Length, _labelIds[row[1]]);
        }
        int[] prompt = tokenizer.Encode(row[0] + separator);
        int[] completion = tokenizer.Encode(row[1]);
        int[] ids = [.. prompt, .. completion, tokenizer.EndOfText];
        return new SupervisedExample(Cut(ids, context + 1), prompt.Length, -1);
    }

    private int[] Cut(int[] ids, int limit)
    {
        if (ids.Length <= limit)
        {
            return ids;
        }
        Truncated++;
        return ids[..limit];
    }
}
