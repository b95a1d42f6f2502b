using Experiments.Engine.Util;
using Experiments.Training.Evaluation;
using Experiments.Training.Models;
using TorchSharp;

namespace Experiments.Training.Tests.Evaluation;

public sealed class DecodingTests
{
    private static float[] RandomLogits(Random random, int vocab) =>
        Enumerable.Range(0, vocab).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();

    [Fact]
    public void Greedy_picks_the_largest_logit_and_sampling_tends_to_it_as_the_temperature_falls()
    {
        var random = new Random(1);
        var greedy = new Decoding();
        var cold = new Decoding { Greedy = false, Temperature = 1e-4 };
        var warm = new Decoding { Greedy = false, Temperature = 1.0 };
        int warmDepartures = 0;
        for (int i = 0; i < 200; i++)
        {
            float[] logits = RandomLogits(random, 50);
            int best = Array.IndexOf(logits, logits.Max());
            Assert.Equal(best, greedy.Next(logits, new SeededRandom(i)));
            Assert.Equal(best, cold.Next(logits, new SeededRandom(i)));
            warmDepartures += warm.Next(logits, new SeededRandom(i)) == best ? 0 : 1;
        }
        Assert.True(warmDepartures > 20, $"temperature 1 left the argmax only {warmDepartures} times in 200");
    }

    [Fact]
    public void Top_k_and_top_p_keep_only_the_most_likely_tokens()
    {
        var random = new Random(2);
        for (int i = 0; i < 100; i++)
        {
            float[] logits = RandomLogits(random, 30);
            int[] ranked = Enumerable.Range(0, 30).OrderByDescending(t => logits[t]).ToArray();
            int topK = new Decoding { Greedy = false, TopK = 3 }.Next(logits, new SeededRandom(i));
            Assert.Contains(topK, ranked[..3]);
            Assert.Equal(ranked[0], new Decoding { Greedy = false, TopK = 1 }.Next(logits, new SeededRandom(i)));
            // A nucleus smaller than the top token's own probability holds just that token.
            Assert.Equal(ranked[0], new Decoding { Greedy = false, TopP = 1e-6 }.Next(logits, new SeededRandom(i)));
        }
    }

    [Fact]
    public void Sampling_draws_tokens_in_proportion_to_their_probability()
    {
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var decoding = new Decoding { Greedy = false };
        var random = new SeededRandom(3);
        var counts = new int[3];
        for (int i = 0; i < 20_000; i++)
        {
            counts[decoding.Next(logits, random)]++;
        }
        Assert.InRange(counts[0] / 20_000.0, 0.48, 0.52);
        Assert.InRange(counts[1] / 20_000.0, 0.28, 0.32);
        Assert.InRange(counts[2] / 20_000.0, 0.18, 0.22);
        // top_p 0.7 keeps {0.5, 0.3}, renormalised to 5/8 and 3/8.
        var nucleus = new Decoding { Greedy = false, TopP = 0.7 };
        var kept = new int[3];
        for (int i = 0; i < 20_000; i++)
        {
            kept[nucleus.Next(logits, random)]++;
        }
        Assert.Equal(0, kept[2]);
        Assert.InRange(kept[0] / 20_000.0, 0.605, 0.645);
    }

    [Fact]
    public void Generation_is_the_same_for_a_seed_whatever_the_batch_and_stops_at_the_limits()
    {
        using Gpt model = TinyModels.Create(seed: 9);
        int[][] prompts = [[1, 2, 3], [4], [5, 6, 7, 8, 9, 10], [11, 12], [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]];
        var sample = new Decoding { Greedy = false, Temperature = 1.5, MaxNewTokens = 6 };

        IReadOnlyList<Generation> one = new Generator(model, torch.CPU, sample, endOfText: 31, seed: 5).Generate(prompts, batchSize: 1, null, CancellationToken.None);
        IReadOnlyList<Generation> four = new Generator(model, torch.CPU, sample, endOfText: 31, seed: 5).Generate(prompts, batchSize: 4, null, CancellationToken.None);
        IReadOnlyList<Generation> otherSeed = new Generator(model, torch.CPU, sample, endOfText: 31, seed: 6).Generate(prompts, batchSize: 4, null, CancellationToken.None);

        Assert.Equal(one.Select(g => string.Join(",", g.Tokens)), four.Select(g => string.Join(",", g.Tokens)));
        Assert.NotEqual(one.Select(g => string.Join(",", g.Tokens)), otherSeed.Select(g => string.Join(",", g.Tokens)));
        Assert.All(one, g => Assert.True(g.Tokens.Length <= 6));
        Assert.All(one, g => Assert.DoesNotContain(31, g.Tokens));
        // The last prompt fills 15 of the 16 positions: one token, then the context is full.
        Assert.True(one[4].Tokens.Length <= 1);
        Assert.True(one[4].EndOfText || one[4].HitContext);
    }

    [Fact]
    public void Greedy_generation_equals_sampling_at_a_vanishing_temperature()
    {
        using Gpt model = TinyModels.Create(seed: 10);
        int[][] prompts = Enumerable.Range(0, 8).Select(i => new[] { i, i + 1, i + 2 }).ToArray();

        IReadOnlyList<Generation> greedy = new Generator(model, torch.CPU, new Decoding { MaxNewTokens = 8 }, 31, seed: 1).Generate(prompts, 4, null, CancellationToken.None);
        IReadOnlyList<Generation> cold = new Generator(model, torch.CPU, new Decoding { Greedy = false, Temperature = 1e-5, MaxNewTokens = 8 }, 31, seed: 2)
            .Generate(prompts, 4, null, CancellationToken.None);

        Assert.Equal(greedy.Select(g => string.Join(",", g.Tokens)), cold.Select(g => string.Join(",", g.Tokens)));
        Assert.Contains(greedy, g => g.Tokens.Length > 0);
    }
}
