using System.Globalization;
using System.Text.Json.Nodes;
using Experiments.Metrics.Text;

namespace Experiments.Metrics.Tests.Vectors;

/// <summary>
/// The expected values sacreBLEU and rouge-score publish in their own test suites (copied into
/// Vectors/*.json with their source; see Vectors/README.md), replayed against our implementations
/// with the original tests' tolerances.
/// </summary>
public sealed class PublishedVectorTests
{
    private static JsonNode Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", name)))!;

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(x => x!.GetValue<string>()).ToArray();

    /// <summary>sacreBLEU's reference streams (stream k holds the k-th reference of every segment) as per-segment lists.</summary>
    private static IReadOnlyList<IReadOnlyList<string>> PerSegment(JsonNode? streams, int segments)
    {
        string[][] s = streams!.AsArray().Select(Strings).ToArray();
        return Enumerable.Range(0, segments).Select(i => (IReadOnlyList<string>)s.Select(stream => stream[i]).ToArray()).ToArray();
    }

    private static BleuSmoothing Smoothing(string name) => name switch
    {
        "none" => BleuSmoothing.None,
        "floor" => BleuSmoothing.Floor,
        "add-k" => BleuSmoothing.AddK,
        "exp" => BleuSmoothing.Exp,
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void Corpus_bleu_matches_sacrebleu_published_values()
    {
        JsonNode section = Load("sacrebleu.json")["bleu_corpus"]!;
        double tolerance = section["tolerance"]!.GetValue<double>();
        int checkedCases = 0;
        foreach (JsonNode? c in section["cases"]!.AsArray())
        {
            string[] hyps = Strings(c!["hypotheses"]);
            JsonObject kwargs = c["kwargs"]!.AsObject();
            var options = new BleuOptions
            {
                Tokenize = kwargs["tokenize"]?.GetValue<string>() ?? "13a",
                Smoothing = Smoothing(kwargs["smooth_method"]?.GetValue<string>() ?? "exp"),
            };
            BleuScore score = SacreBleu.Corpus(hyps, PerSegment(c["reference_streams"], hyps.Length), options);
            Assert.InRange(score.Score, c["score"]!.GetValue<double>() - tolerance, c["score"]!.GetValue<double>() + tolerance);
            checkedCases++;
        }
        Assert.Equal(5, checkedCases);
    }

    [Fact]
    public void Raw_bleu_statistics_and_compute_bleu_match_sacrebleu_published_values()
    {
        JsonNode document = Load("sacrebleu.json");
        double tolerance = document["bleu_raw"]!["tolerance"]!.GetValue<double>();
        foreach (JsonNode? c in document["bleu_raw"]!["cases"]!.AsArray())
        {
            string[] hyps = Strings(c!["hypotheses"]);
            var raw = new BleuOptions { Tokenize = "none", Smoothing = BleuSmoothing.Floor, SmoothValue = c["smooth_value"]!.GetValue<double>(), EffectiveOrder = true };
            double score = SacreBleu.Corpus(hyps, PerSegment(c["reference_streams"], hyps.Length), raw).Score / 100;
            Assert.True(Math.Abs(score - c["score"]!.GetValue<double>()) < tolerance, $"{string.Join(" | ", hyps)}: expected {c["score"]}, got {score:R}");
        }

        JsonNode stats = document["bleu_statistics"]![0]!;
        string[] h = Strings(stats["hypotheses"]);
        BleuScore counted = SacreBleu.Corpus(h, PerSegment(stats["reference_streams"], h.Length), new BleuOptions { Tokenize = "none", Smoothing = BleuSmoothing.Floor, SmoothValue = 0.01, EffectiveOrder = true });
        Assert.Equal(stats["counts"]!.AsArray().Select(x => x!.GetValue<double>()), counted.Counts);
        Assert.Equal(stats["totals"]!.AsArray().Select(x => x!.GetValue<double>()), counted.Totals);

        foreach (JsonNode? c in document["bleu_compute"]!["cases"]!.AsArray())
        {
            double[] sums = [c!["sys_len"]!.GetValue<double>(), c["ref_len"]!.GetValue<double>(), .. c["correct"]!.AsArray().Select(x => x!.GetValue<double>()), .. c["total"]!.AsArray().Select(x => x!.GetValue<double>())];
            var options = new BleuOptions { Smoothing = Smoothing(c["smooth_method"]!.GetValue<string>()), SmoothValue = c["smooth_value"]?.GetValue<double>() };
            double score = SacreBleu.FromStatistics(sums, options).Score / 100;
            if (c["exact"]?.GetValue<bool>() == true)
            {
                Assert.Equal(c["score"]!.GetValue<double>(), score);
            }
            else
            {
                Assert.Equal(c["score"]!.GetValue<double>(), score, 1e-8);
            }
        }
    }

    [Fact]
    public void Bleu_of_every_maximum_order_matches_sacrebleu_to_two_decimals()
    {
        foreach (JsonNode? c in Load("sacrebleu.json")["bleu_max_order"]!["cases"]!.AsArray())
        {
            string[] hyps = Strings(c!["hypotheses"]);
            double score = SacreBleu.Corpus(hyps, PerSegment(c["reference_streams"], hyps.Length), new BleuOptions { MaxOrder = c["order"]!.GetValue<int>() }).Score;
            Assert.Equal(c["score"]!.GetValue<string>(), score.ToString("F2", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Sentence_bleu_matches_sacrebleu_published_values_for_every_smoothing()
    {
        JsonNode section = Load("sacrebleu.json")["bleu_sentence"]!;
        double tolerance = section["tolerance"]!.GetValue<double>();
        int checkedCases = 0;
        foreach (JsonNode? c in section["cases"]!.AsArray())
        {
            var options = new BleuOptions
            {
                Tokenize = c!["tokenize"]!.GetValue<string>(),
                Lowercase = c["lowercase"]!.GetValue<bool>(),
                Smoothing = Smoothing(c["smooth_method"]!.GetValue<string>()),
                SmoothValue = c["smooth_value"]?.GetValue<double>(),
                EffectiveOrder = true,
            };
            double score = SacreBleu.Sentence(c["hypothesis"]!.GetValue<string>(), Strings(c["references"]), options).Score;
            double expected = c["score"]!.GetValue<double>();
            Assert.True(Math.Abs(score - expected) < tolerance, $"{options}: expected {expected}, got {score:R}");
            checkedCases++;
        }
        Assert.Equal(15, checkedCases);
    }

    [Fact]
    public void Chrf_matches_sacrebleu_published_values()
    {
        JsonNode section = Load("sacrebleu.json")["chrf"]!;
        double tolerance = section["tolerance"]!.GetValue<double>();
        int checkedCases = 0;
        foreach (JsonNode? c in section["cases"]!.AsArray())
        {
            string[] hyps = Strings(c!["hypotheses"]);
            var options = new ChrfOptions
            {
                CharOrder = c["char_order"]!.GetValue<int>(),
                WordOrder = c["word_order"]!.GetValue<int>(),
                Beta = c["beta"]!.GetValue<int>(),
                EpsSmoothing = c["eps_smoothing"]!.GetValue<bool>(),
                Whitespace = c["whitespace"]!.GetValue<bool>(),
            };
            double score = Chrf.Corpus(hyps, PerSegment(c["reference_streams"], hyps.Length), options);
            double expected = c["score"]!.GetValue<double>();
            Assert.True(Math.Abs(score - expected) < tolerance, $"'{string.Join(" | ", hyps)}' {options}: expected {expected}, got {score:R}");
            checkedCases++;
        }
        Assert.Equal(25, checkedCases);
    }

    [Fact]
    public void Rouge_matches_rouge_score_published_values_including_rouge_155_checked_pairs()
    {
        int checkedCases = 0;
        foreach (JsonNode? c in Load("rouge.json")["cases"]!.AsArray())
        {
            RougeScore score = Rouge.Score(c!["target"]!.GetValue<string>(), c["prediction"]!.GetValue<string>(), c["type"]!.GetValue<string>(), c["use_stemmer"]!.GetValue<bool>());
            // assertAlmostEqual(places=p): round(difference, p) == 0.
            double tolerance = 0.5 * Math.Pow(10, -c["places"]!.GetValue<int>());
            string what = $"{c["type"]} stemmer={c["use_stemmer"]} on '{c["target"]}'";
            Assert.True(Math.Abs(score.Recall - c["recall"]!.GetValue<double>()) <= tolerance, $"{what}: recall {score.Recall:R}, expected {c["recall"]}");
            Assert.True(Math.Abs(score.Precision - c["precision"]!.GetValue<double>()) <= tolerance, $"{what}: precision {score.Precision:R}, expected {c["precision"]}");
            Assert.True(Math.Abs(score.FMeasure - c["fmeasure"]!.GetValue<double>()) <= tolerance, $"{what}: F {score.FMeasure:R}, expected {c["fmeasure"]}");
            checkedCases++;
        }
        Assert.Equal(23, checkedCases);
    }
}
