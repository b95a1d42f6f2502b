using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Experiments.Steps.Kinds;

namespace Experiments.Engine.Tests.Steps;

public sealed class GenerateSentimentTests : IDisposable
{
    private readonly StepHarness _harness = new();
    private readonly GenerateSentimentKind _kind = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        var parameters = new { examples = 500, label_noise = 0.1 };
        Assert.Equal(_harness.Run(_kind, parameters, seed: 11).Bytes(), _harness.Run(_kind, parameters, seed: 11).Bytes());
        Assert.NotEqual(_harness.Run(_kind, parameters, seed: 11).Bytes(), _harness.Run(_kind, parameters, seed: 12).Bytes());
    }

    [Fact]
    public void Rows_have_the_documented_shape_and_varied_texts()
    {
        StepRun run = _harness.Run(_kind, new { examples = 1000 });
        IReadOnlyList<JsonObject> rows = run.Rows();
        Assert.Equal(1000, rows.Count);
        Assert.Equal(1000, run.Metrics["rows"]);
        Assert.All(rows, r => Assert.Equal(["id", "text", "label", "group"], r.Select(p => p.Key)));
        Assert.All(rows, r => Assert.Contains((int)r["label"]!, new[] { 0, 1 }));
        Assert.All(rows, r => Assert.Contains((string)r["group"]!, new[] { "female", "male" }));
        Assert.True(rows.Select(r => (string)r["text"]!).Distinct().Count() > 900, "texts should rarely repeat");
        Assert.InRange(rows.Count(r => (string)r["group"]! == "female"), 430, 570);
    }

    [Fact]
    public void Texts_use_their_groups_words_only()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 600, groups = new[] { "female", "male", "nonbinary" } }).Rows();
        foreach (JsonObject row in rows)
        {
            string text = (string)row["text"]!;
            string[] words = Regex.Matches(text.ToLowerInvariant(), "[a-z]+").Select(m => m.Value).ToArray();
            GroupLexicon own = SentimentLexicon.For((string)row["group"]!);
            foreach (GroupLexicon other in new[] { SentimentLexicon.Female, SentimentLexicon.Male, SentimentLexicon.Neutral }.Where(l => l != own))
            {
                Assert.DoesNotContain(words, w => w == other.Subject || other.Names.Any(n => n.ToLowerInvariant() == w) || other.Relatives.Contains(w));
            }
            Assert.Contains(words, w => own.Names.Any(n => n.ToLowerInvariant() == w));
        }
    }

    [Fact]
    public void Without_noise_the_label_agrees_with_the_texts_sentiment_words()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 800 }).Rows();
        foreach (JsonObject row in rows)
        {
            Assert.Equal((int)row["label"]!, Polarity((string)row["text"]!));
        }
    }

    [Fact]
    public void Label_noise_flips_about_the_configured_share()
    {
        StepRun run = _harness.Run(_kind, new { examples = 5000, label_noise = 0.2 }, seed: 5);
        IReadOnlyList<JsonObject> rows = run.Rows();
        int disagreeing = rows.Count(r => (int)r["label"]! != Polarity((string)r["text"]!));
        Assert.Equal(disagreeing, run.Metrics["flipped"]);
        Assert.InRange(disagreeing / 5000.0, 0.17, 0.23);
    }

    [Fact]
    public void Positive_share_sets_the_class_balance()
    {
        StepRun run = _harness.Run(_kind, new { examples = 5000, positive_share = 0.2 });
        double share = run.Rows().Average(r => (int)r["label"]!);
        Assert.InRange(share, 0.17, 0.23);
        Assert.Equal(share, run.Metrics["positive_share"], 9);
    }

    [Fact]
    public void Group_bias_is_the_gap_in_positive_rate_between_first_and_last_group()
    {
        IReadOnlyList<JsonObject> rows = _harness.Run(_kind, new { examples = 6000, group_bias = 0.4 }).Rows();
        double female = rows.Where(r => (string)r["group"]! == "female").Average(r => (int)r["label"]!);
        double male = rows.Where(r => (string)r["group"]! == "male").Average(r => (int)r["label"]!);
        Assert.InRange(female, 0.65, 0.75);
        Assert.InRange(male, 0.25, 0.35);
    }

    [Theory]
    [InlineData(new string[0], "'groups' is empty")]
    [InlineData(new[] { "a", "a" }, "group 'a' is listed twice")]
    [InlineData(new[] { "a", " " }, "empty group name")]
    public void Bad_groups_fail_clearly(string[] groups, string expected) =>
        Assert.Contains(expected, _harness.Fails(_kind, new { examples = 10, groups }));

    /// <summary>Reads the sentiment off the text: 1 when a positive word is asserted or a negative one negated.</summary>
    private static int Polarity(string text)
    {
        string lower = text.ToLowerInvariant();
        bool negated = Regex.IsMatch(lower, @"\bnot \w+ at all\b");
        bool positiveWord = SentimentLexicon.Positive.Any(w => Regex.IsMatch(lower, $@"(?<!not )\b{w}\b"));
        bool negativeWord = SentimentLexicon.Negative.Any(w => Regex.IsMatch(lower, $@"(?<!not )\b{w}\b"));
        Assert.False(positiveWord && negativeWord, text);
        if (positiveWord || negativeWord)
        {
            return positiveWord ? 1 : 0;
        }
        Assert.True(negated, text);
        return SentimentLexicon.Negative.Any(w => lower.Contains("not " + w)) ? 1 : 0;
    }
}
