using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Metrics.Classification;
using Experiments.Metrics.Documents;
using Experiments.Metrics.Reports;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Training.Evaluation;

/// <summary>
/// Evaluates a causal LM on prompt/completion pairs: generates a completion for each prompt (the
/// prompt plus separator, encoded as fine-tuning encoded it) and scores it against the reference
/// with the text metrics; <c>perplexity</c> is taken on the reference completions (and their
/// end-of-text) given the prompts, without generating.
/// </summary>
internal static class GeneratorEvaluation
{
    public static EvaluationResult Run(StepContext context, LoadedModel model, string[] names, CancellationToken cancellationToken)
    {
        StepParameters p = context.Params;
        List<EvaluationRow> rows = EvaluationRows.Read(context, "data", p.GetString("id_field"), [p.GetString("prompt_field"), p.GetString("completion_field")], cancellationToken);
        string separator = p.GetString("separator");
        int window = model.Config.Context;
        int batch = p.GetInt32("batch_size");
        BootstrapOptions options = EvaluationParams.Bootstrap(p, context.Seed);
        int[][] prompts = rows.Select(r => model.Tokenizer.Encode(r.Fields[0] + separator)).ToArray();
        string[] references = rows.Select(r => r.Fields[1]).ToArray();

        var estimates = new SortedDictionary<string, MetricEstimate>(StringComparer.Ordinal);
        var scores = rows.Select(_ => new SortedDictionary<string, double>(StringComparer.Ordinal)).ToArray();
        var info = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["task"] = "generation" };

        string[] textNames = names.Where(n => n != EvaluateKind.Perplexity).ToArray();
        string[]? completions = null;
        if (textNames.Length > 0)
        {
            Decoding decoding = Decoding.From(p);
            // Keep the end of a prompt longer than the context, with room for one new token.
            int[][] cut = prompts.Select(ids => ids.Length < window ? ids : ids[^(window - 1)..]).ToArray();
            IReadOnlyList<Generation> generations = new Generator(model.Model, model.Device, decoding, model.Tokenizer.EndOfText, context.Seed)
                .Generate(cut, batch, done => context.Report((double)done / rows.Count, $"generated {done}/{rows.Count}"), cancellationToken);
            completions = generations.Select(g => model.Tokenizer.Decode(g.Tokens)).ToArray();
            IReadOnlyList<IReadOnlyList<string>> referenceLists = references.Select(r => (IReadOnlyList<string>)[r]).ToArray();
            foreach ((string name, MetricEstimate estimate) in TextReport.Evaluate(completions, referenceLists, textNames, options))
            {
                estimates[name] = estimate;
            }
            foreach ((string name, double[] perExample) in TextReport.PerExample(completions, referenceLists, textNames))
            {
                for (int i = 0; i < perExample.Length; i++)
                {
                    scores[i][name] = perExample[i];
                }
            }
            info["decoding"] = decoding.Describe();
            info["truncated_prompts"] = prompts.Count(ids => ids.Length >= window).ToString(CultureInfo.InvariantCulture);
            info["stopped_at_end_of_text"] = generations.Count(g => g.EndOfText).ToString(CultureInfo.InvariantCulture);
            context.Log.WriteLine($"generated {rows.Count} completions ({decoding.Describe()}); {generations.Count(g => g.EndOfText)} ended with end-of-text, {generations.Count(g => g.HitContext)} reached the context");
        }

        if (names.Contains(EvaluateKind.Perplexity))
        {
            // As fine-tuning saw them: prompt + separator, completion, end-of-text, cut to context + 1.
            int[][] sequences = rows.Select((r, i) =>
            {
                int[] ids = [.. prompts[i], .. model.Tokenizer.Encode(r.Fields[1]), model.Tokenizer.EndOfText];
                return ids.Length <= window + 1 ? ids : ids[..(window + 1)];
            }).ToArray();
            (double[] logLikelihoods, int[] tokens) = ReferenceLikelihood.Score(
                model.Model, model.Device, sequences, prompts.Select(ids => ids.Length).ToArray(), model.Tokenizer.EndOfText, batch, cancellationToken);
            estimates[EvaluateKind.Perplexity] = Bootstrap.Estimate(Perplexity.Statistics(logLikelihoods, tokens), options);
            for (int i = 0; i < rows.Count; i++)
            {
                scores[i][EvaluateKind.Perplexity] = tokens[i] == 0 ? double.NaN : Math.Exp(-logLikelihoods[i] / tokens[i]);
            }
        }

        var predictions = rows.Select((r, i) => new PredictionRow
        {
            Id = r.Id,
            Prediction = completions is null ? null : PredictionRow.Value(completions[i]),
            Reference = PredictionRow.Value(references[i]),
            Scores = scores[i],
        }).ToArray();
        return new EvaluationResult(new MetricsDocument { Metrics = estimates, Info = info }, predictions);
    }
}
