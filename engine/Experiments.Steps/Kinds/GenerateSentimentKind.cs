using System.Text;
using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>generate.sentiment</c>: seeded templated product reviews <c>{"id", "text", "label", "group"}</c>.
/// Each row draws its group uniformly, then its true label: positive with probability
/// <c>positive_share + group_bias × (0.5 − g/(G−1))</c> for the g-th of G groups (clamped to [0, 1]),
/// so <c>group_bias</c> is the gap in positive rate between the first and the last group. The text
/// expresses the true label and uses the group's words (<see cref="SentimentLexicon"/>); then, with
/// probability <c>label_noise</c>, the written label is flipped.
/// </summary>
public sealed class GenerateSentimentKind : StepKind
{
    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "generate.sentiment",
        "Generates seeded templated product reviews with a 0/1 sentiment label and a demographic group.",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            DataKindParams.Examples("Number of reviews to generate."),
            DataKindParams.StringList("groups", "Groups to draw uniformly; female, male and nonbinary have their own names and pronouns, other names use neutral ones.", ["female", "male"]),
            ParamSpec.Float("label_noise", "Probability that a row's written label is flipped (the text keeps the true sentiment).", @default: 0, min: 0, max: 0.5),
            ParamSpec.Float("positive_share", "Expected share of positive reviews (class balance).", @default: 0.5, min: 0, max: 1),
            ParamSpec.Float("group_bias", "Positive rate of the first group minus that of the last (spurious group/label correlation).", @default: 0, min: -1, max: 1)),
        EquatableArray.Create(DataKindParams.Out));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        long examples = context.Params.GetInt("examples");
        IReadOnlyList<string> groups = ReadGroups(context.Params);
        double labelNoise = context.Params.GetDouble("label_noise");
        double positiveShare = context.Params.GetDouble("positive_share");
        double groupBias = context.Params.GetDouble("group_bias");
        double[] positiveRate = groups
            .Select((_, g) => groups.Count == 1
                ? positiveShare
                : Math.Clamp(positiveShare + groupBias * (0.5 - (double)g / (groups.Count - 1)), 0, 1))
            .ToArray();

        var rng = new SeededRandom(context.Seed);
        var progress = new ProgressTicker(context, examples, "generating reviews");
        long positives = 0;
        long flipped = 0;
        using (JsonlWriter writer = JsonlWriter.Create(context, "out"))
        {
            for (long id = 0; id < examples; id++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int g = rng.Next(groups.Count);
                bool positive = rng.NextDouble() < positiveRate[g];
                string text = Review(rng, SentimentLexicon.For(groups[g]), positive);
                bool written = positive;
                if (labelNoise > 0 && rng.NextDouble() < labelNoise)
                {
                    written = !written;
                    flipped++;
                }
                positives += written ? 1 : 0;
                writer.Write(new JsonObject
                {
                    ["id"] = id,
                    ["text"] = text,
                    ["label"] = written ? 1 : 0,
                    ["group"] = groups[g],
                });
                progress.Tick(id + 1);
            }
        }

        context.Metric("rows", examples);
        context.Metric("positive_share", (double)positives / examples);
        context.Metric("flipped", flipped);
        return Task.CompletedTask;
    }

    private static IReadOnlyList<string> ReadGroups(StepParameters parameters)
    {
        IReadOnlyList<string> groups = parameters.GetStringList("groups");
        if (groups.Count == 0)
        {
            throw new StepFailedException("generate.sentiment: 'groups' is empty; give at least one group name.");
        }
        if (groups.Any(string.IsNullOrWhiteSpace))
        {
            throw new StepFailedException("generate.sentiment: 'groups' holds an empty group name.");
        }
        string? duplicate = groups.GroupBy(g => g, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new StepFailedException($"generate.sentiment: group '{duplicate}' is listed twice in 'groups'.");
        }
        return groups;
    }

    /// <summary>Two or three sentences: a neutral opener, an opinion, sometimes a verdict.</summary>
    internal static string Review(SeededRandom rng, GroupLexicon who, bool positive)
    {
        string name = rng.Pick(who.Names);
        string relative = rng.Pick(who.Relatives);
        string product = rng.Pick(SentimentLexicon.Products);
        IReadOnlyList<string> same = positive ? SentimentLexicon.Positive : SentimentLexicon.Negative;
        IReadOnlyList<string> opposite = positive ? SentimentLexicon.Negative : SentimentLexicon.Positive;
        string adjective = rng.Pick(same);
        string intensifier = rng.Pick(SentimentLexicon.Intensifiers);

        var text = new StringBuilder();
        text.Append(rng.Next(4) switch
        {
            0 => $"{name} bought a {product} for {who.Possessive} {relative}.",
            1 => $"{name} ordered a new {product} last month.",
            2 => $"{name}'s {relative} recommended this {product} to {who.Object}.",
            _ => $"{name} has used this {product} for a few weeks.",
        });
        text.Append(' ');
        text.Append(Capitalize(rng.Next(5) switch
        {
            0 => $"{who.Subject} said it was {intensifier} {adjective}.",
            1 => $"{who.Subject} found it {intensifier} {adjective}.",
            2 => $"{who.Subject} said it was not {rng.Pick(opposite)} at all.",
            3 => $"according to {who.Object}, the {product} is {intensifier} {adjective}.",
            _ => $"{who.Possessive} {relative} thought it was {adjective}, and so did {name}.",
        }));
        if (rng.Next(2) == 0)
        {
            text.Append(' ');
            text.Append(Capitalize(positive
                ? rng.Next(3) switch
                {
                    0 => $"{who.Subject} would definitely recommend it.",
                    1 => $"{who.Subject} would buy it again.",
                    _ => $"{name} gave it five stars.",
                }
                : rng.Next(3) switch
                {
                    0 => $"{who.Subject} would never recommend it.",
                    1 => $"{who.Subject} returned it after a week.",
                    _ => $"{name} gave it one star.",
                }));
        }
        return text.ToString();
    }

    private static string Capitalize(string sentence) =>
        sentence.Length == 0 ? sentence : char.ToUpperInvariant(sentence[0]) + sentence[1..];
}
