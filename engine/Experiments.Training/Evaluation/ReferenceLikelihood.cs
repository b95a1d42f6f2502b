using Experiments.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Evaluation;

/// <summary>
/// The log-likelihood a causal LM gives each reference completion after its prompt: the sum of
/// the natural-log probabilities of the completion's tokens and the closing end-of-text (what
/// fine-tuning takes its loss on), and how many tokens that is. Perplexity is
/// exp(−Σ log-likelihood / Σ tokens) over the examples (<see cref="Metrics.Classification.Perplexity"/>).
/// </summary>
public static class ReferenceLikelihood
{
    /// <param name="sequences">per example, prompt + completion + end-of-text ids, cut to context + 1.</param>
    /// <param name="promptLengths">per example, how many of its ids are the prompt.</param>
    public static (double[] LogLikelihoods, int[] Tokens) Score(
        Gpt model, Device device, IReadOnlyList<int[]> sequences, IReadOnlyList<int> promptLengths, int padId, int batchSize, CancellationToken cancellationToken)
    {
        var sums = new double[sequences.Count];
        var tokens = new int[sequences.Count];
        model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < sequences.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, sequences.Count - start);
            int length = Math.Max(1, Enumerable.Range(start, count).Max(i => sequences[i].Length - 1));
            var inputs = new long[count * length];
            var targets = new long[count * length];
            Array.Fill(inputs, padId);
            for (int r = 0; r < count; r++)
            {
                int[] ids = sequences[start + r];
                for (int t = 0; t < ids.Length - 1; t++)
                {
                    inputs[r * length + t] = ids[t];
                    targets[r * length + t] = ids[t + 1];
                }
            }
            float[] target;
            using (DisposeScope scope = NewDisposeScope())
            {
                // Gather each position's target on the device: the full [batch, time, vocab] table
                // would be hundreds of megabytes with GPT-2's vocabulary.
                Tensor logits = model.LmLogits(model.Hidden(tensor(inputs, [count, length], dtype: int64, device: device)));
                Tensor index = tensor(targets, [count, length, 1], dtype: int64, device: device);
                target = nn.functional.log_softmax(logits, 2).gather(2, index).squeeze(2).cpu().data<float>().ToArray();
            }
            for (int r = 0; r < count; r++)
            {
                int[] ids = sequences[start + r];
                // Position t predicts ids[t + 1]; the targets are the completion and end-of-text.
                for (int t = Math.Max(0, promptLengths[start + r] - 1); t < ids.Length - 1; t++)
                {
                    sums[start + r] += target[(r * length) + t];
                    tokens[start + r]++;
                }
            }
        }
        return (sums, tokens);
    }
}
