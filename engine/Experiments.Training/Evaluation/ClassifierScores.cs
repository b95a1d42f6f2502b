using Experiments.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Evaluation;

/// <summary>
/// Runs a classifier's head over texts, a batch at a time: per example the softmax probability of
/// every label (in the config's label order). Texts are padded on the right and pooled at their
/// last real token, exactly as fine-tuning batched them.
/// </summary>
public static class ClassifierScores
{
    /// <param name="texts">token ids per example, already cut to the model's context.</param>
    public static double[][] Probabilities(Gpt model, Device device, IReadOnlyList<int[]> texts, int padId, int batchSize, Action<int>? progress, CancellationToken cancellationToken)
    {
        var result = new double[texts.Count][];
        model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, texts.Count - start);
            int length = Math.Max(1, Enumerable.Range(start, count).Max(i => texts[i].Length));
            var inputs = new long[count * length];
            Array.Fill(inputs, padId);
            var last = new long[count];
            for (int r = 0; r < count; r++)
            {
                int[] ids = texts[start + r];
                for (int t = 0; t < ids.Length; t++)
                {
                    inputs[r * length + t] = ids[t];
                }
                last[r] = Math.Max(0, ids.Length - 1);
            }
            using DisposeScope scope = NewDisposeScope();
            Tensor logits = model.ClassLogits(
                model.Hidden(tensor(inputs, [count, length], dtype: int64, device: device)),
                tensor(last, dtype: int64, device: device));
            // Softmax in double on the host side of the copy: probabilities feed AUC and ECE.
            double[] probabilities = nn.functional.softmax(logits.to(float64), 1).cpu().data<double>().ToArray();
            int classes = (int)logits.shape[1];
            for (int r = 0; r < count; r++)
            {
                result[start + r] = probabilities.AsSpan(r * classes, classes).ToArray();
            }
            progress?.Invoke(start + count);
        }
        return result;
    }

    /// <summary>The index of the largest probability (the first on ties, as argmax does).</summary>
    public static int ArgMax(double[] probabilities)
    {
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }
        return best;
    }
}
