using Experiments.Engine.Util;
using Experiments.Training.Models;
using Experiments.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Evaluation;

/// <summary>What generation made of one prompt: the new tokens and why it stopped.</summary>
public sealed record Generation(int[] Tokens, bool EndOfText, bool HitContext);

/// <summary>
/// Completes prompts with a causal LM, a batch at a time. Rows are padded on the right: attention
/// is causal, so padding after a row's last real token never changes that token's hidden state,
/// and positions stay those of training (left padding would shift the learned position
/// embeddings). Each step runs the model over the batch without a key/value cache (the models
/// are tiny; a cache would be the next step for larger ones), reads each row's logits at its last
/// token, and picks the next token on the host with <see cref="Decoding"/>, from a random stream
/// per example: results do not depend on the batch size or on the other prompts.
/// </summary>
public sealed class Generator(Gpt model, Device device, Decoding decoding, int endOfText, long seed)
{
    public IReadOnlyList<Generation> Generate(IReadOnlyList<int[]> prompts, int batchSize, Action<int>? progress, CancellationToken cancellationToken)
    {
        var results = new Generation[prompts.Count];
        model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, prompts.Count - start);
            GenerateBatch(prompts, start, count, results, cancellationToken);
            progress?.Invoke(start + count);
        }
        return results;
    }

    private void GenerateBatch(IReadOnlyList<int[]> prompts, int start, int count, Generation[] results, CancellationToken cancellationToken)
    {
        int context = model.Config.Context;
        var rows = new List<int>[count];
        var generated = new List<int>[count];
        var randoms = new SeededRandom[count];
        var done = new bool[count];
        var endOfTextSeen = new bool[count];
        for (int r = 0; r < count; r++)
        {
            int[] prompt = prompts[start + r];
            rows[r] = [.. prompt.Length == 0 ? [endOfText] : prompt];
            generated[r] = [];
            randoms[r] = new SeededRandom(BatchSeeds.Derive(seed, 7, start + r));
            done[r] = decoding.MaxNewTokens == 0 || rows[r].Count >= context;
        }
        while (!done.All(d => d))
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] active = Enumerable.Range(0, count).Where(r => !done[r]).ToArray();
            int length = active.Max(r => rows[r].Count);
            var inputs = new long[active.Length * length];
            Array.Fill(inputs, endOfText);
            var last = new long[active.Length];
            for (int a = 0; a < active.Length; a++)
            {
                List<int> row = rows[active[a]];
                for (int t = 0; t < row.Count; t++)
                {
                    inputs[a * length + t] = row[t];
                }
                last[a] = row.Count - 1;
            }
            float[] logits;
            int vocab;
            using (DisposeScope scope = NewDisposeScope())
            {
                Tensor ids = tensor(inputs, [active.Length, length], dtype: int64, device: device);
                Tensor index = tensor(last, dtype: int64, device: device);
                Tensor hidden = model.Hidden(ids);
                Tensor lastHidden = hidden.gather(1, index.view(-1, 1, 1).expand(-1, 1, hidden.shape[2])).squeeze(1);
                Tensor next = model.LmLogits(lastHidden).to(float32).cpu();
                vocab = (int)next.shape[1];
                logits = next.data<float>().ToArray();
            }
            for (int a = 0; a < active.Length; a++)
            {
                int r = active[a];
                int token = decoding.Next(logits.AsSpan(a * vocab, vocab), randoms[r]);
                if (token == endOfText)
                {
                    endOfTextSeen[r] = true;
                    done[r] = true;
                    continue;
                }
                rows[r].Add(token);
                generated[r].Add(token);
                done[r] = generated[r].Count >= decoding.MaxNewTokens || rows[r].Count >= context;
            }
        }
        for (int r = 0; r < count; r++)
        {
            bool hitContext = !endOfTextSeen[r] && rows[r].Count >= context && generated[r].Count < decoding.MaxNewTokens;
            results[start + r] = new Generation([.. generated[r]], endOfTextSeen[r], hitContext);
        }
    }
}
