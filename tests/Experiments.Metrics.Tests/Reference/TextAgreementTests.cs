using Experiments.Metrics.Text;

namespace Experiments.Metrics.Tests.Reference;

/// <summary>
/// Text metrics against NLTK 3.8: corpus and sentence BLEU with every smoothing method and
/// several weightings, METEOR with exact and stem matching (WordNet synonyms stubbed out in the
/// script, see reference.py), and the Porter stemmer that METEOR and ROUGE share.
/// </summary>
public sealed class TextAgreementTests(TextAgreementTests.Cases cases) : IClassFixture<TextAgreementTests.Cases>
{
    public sealed record BleuCase(string[][][] References, string[][] Hypotheses, double[] Weights, int Method);

    public sealed record MeteorCase(string[][] References, string[] Hypothesis);

    public sealed class Cases
    {
        public List<BleuCase> Bleu { get; } = [];

        public List<MeteorCase> Meteor { get; } = [];

        public string[] Words { get; }

        public ReferenceOracle Oracle { get; }

        public Cases()
        {
            var generate = new CaseGenerator(13);
            double[][] weightings = [[0.25, 0.25, 0.25, 0.25], [0.5, 0.5], [1.0 / 3, 1.0 / 3, 1.0 / 3], [0.1, 0.2, 0.3, 0.4], [0.2, 0.2, 0.2, 0.2, 0.2]];
            for (int i = 0; i < 240; i++)
            {
                int segments = i % 2 == 0 ? 1 : generate.Int(2, 6);
                var references = new string[segments][][];
                var hypotheses = new string[segments][];
                double noise = generate.Double();
                for (int s = 0; s < segments; s++)
                {
                    string[] source = generate.Sentence(i % 7 == 0 ? 1 : 3, 18);
                    references[s] = Enumerable.Range(0, generate.Int(1, 4)).Select(_ => generate.Perturb(source, noise / 2)).ToArray();
                    hypotheses[s] = generate.Perturb(source, noise);
                    if (references[s].All(r => r.Length == 0))
                    {
                        references[s][0] = source;
                    }
                }
                int method = i % 8;
                double[] weights = generate.Pick(weightings);
                if (method == 6)
                {
                    // Method 6 asserts a non-zero trigram precision: give it a hypothesis that shares trigrams.
                    weights = [0.25, 0.25, 0.25, 0.25];
                    hypotheses[^1] = references[^1][0].Length >= 4 ? references[^1][0].ToArray() : ["a", "b", "c", "d"];
                    references[^1][0] = hypotheses[^1].Length >= 4 ? hypotheses[^1] : ["a", "b", "c", "d"];
                }
                Bleu.Add(new BleuCase(references, hypotheses, weights, method));
            }
            for (int i = 0; i < 300; i++)
            {
                string[] source = generate.Sentence(0, 16);
                string[][] references = Enumerable.Range(0, generate.Int(1, 4)).Select(_ => generate.Perturb(source, 0.3)).ToArray();
                Meteor.Add(new MeteorCase(references, generate.Perturb(source, generate.Double())));
            }
            Words = StemmerWords();

            var requests = new List<object>();
            requests.AddRange(Bleu.Select(c => new { op = "nltk_bleu", references = c.References, hypotheses = c.Hypotheses, weights = c.Weights, method = c.Method }));
            requests.AddRange(Meteor.Select(c => new { op = "meteor", references = c.References, hypothesis = c.Hypothesis }));
            requests.Add(new { op = "porter", words = Words });
            Oracle = ReferenceOracle.Run(requests, "nltk");
        }

        /// <summary>Roots crossed with the suffixes every Porter step looks at, plus the irregular forms.</summary>
        private static string[] StemmerWords()
        {
            string[] roots = ["relat", "condit", "valen", "hesit", "digit", "conform", "radic", "differ", "vil", "analog", "vietnam", "predic", "oper", "feud", "decis", "hope", "callous", "formal", "sensit", "sensib", "trip", "electr", "good", "reviv", "allow", "infer", "airlin", "gyroscop", "adjust", "defens", "irrit", "replac", "depend", "adopt", "homolog", "commun", "activ", "angular", "effect", "bowdler", "prob", "rat", "ceas", "controll", "roll", "cares", "pon", "ti", "cat", "fe", "agre", "plaster", "bl", "motor", "s", "conflat", "troubl", "siz", "hop", "tann", "fall", "hiss", "fizz", "fail", "fil", "happ", "sk", "geo", "archaeo", "fl", "sp", "tr", "d", "l", "y", "enjoy", "arch", "gener", "nation", "run", "sitt", "ski", "news", "inn", "out", "cann", "howe", "proc", "exc", "succ"];
            string[] suffixes = ["", "s", "es", "ies", "ied", "ed", "ing", "ation", "ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli", "ousli", "ization", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "fulli", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "e", "ll", "y", "ly", "eed", "sses", "ss"];
            string[] irregular = ["sky", "skies", "dying", "lying", "tying", "news", "innings", "inning", "outings", "outing", "cannings", "canning", "howe", "proceed", "exceed", "succeed", "a", "is", "at", "ies", "ied", "yyy", "Running", "CATS"];
            return roots.SelectMany(r => suffixes.Select(s => r + s)).Concat(irregular).Concat(CaseGenerator.Vocabulary).Distinct().ToArray();
        }
    }

    [SkippableFact]
    public void Corpus_and_sentence_bleu_agree_with_nltk_for_every_smoothing_method()
    {
        cases.Oracle.RequireAvailable();
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Bleu.Count; i++)
        {
            BleuCase c = cases.Bleu[i];
            double ours = NltkBleu.Corpus(c.References, c.Hypotheses, c.Weights, (NltkSmoothing)c.Method);
            batch.Close(cases.Oracle.Number(i), ours, $"case {i} ({c.Hypotheses.Length} segments, method {c.Method}, weights [{string.Join(", ", c.Weights)}])");
        }
        batch.Assert(minimumChecks: 240);
    }

    [SkippableFact]
    public void Meteor_with_exact_and_stem_matching_agrees_with_nltk_without_synonyms()
    {
        cases.Oracle.RequireAvailable();
        var batch = new Agreement.Batch();
        int offset = cases.Bleu.Count;
        for (int i = 0; i < cases.Meteor.Count; i++)
        {
            MeteorCase c = cases.Meteor[i];
            batch.Close(cases.Oracle.Number(offset + i), Meteor.Score(c.References, c.Hypothesis), $"case {i}: '{string.Join(' ', c.Hypothesis)}' vs '{string.Join(" | ", c.References.Select(r => string.Join(' ', r)))}'");
        }
        batch.Assert(minimumChecks: 300);
    }

    [SkippableFact]
    public void Porter_stems_agree_with_nltk_on_every_rule()
    {
        cases.Oracle.RequireAvailable();
        string[] expected = cases.Oracle.Result(cases.Bleu.Count + cases.Meteor.Count).AsArray().Select(x => x!.GetValue<string>()).ToArray();
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Words.Length; i++)
        {
            batch.Equal(expected[i], PorterStemmer.Stem(cases.Words[i]), $"stem('{cases.Words[i]}')");
        }
        batch.Assert(minimumChecks: 5000);
    }
}
