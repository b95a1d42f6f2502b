namespace Experiments.Steps.Kinds;

/// <summary>
/// The words that mark a group in <c>generate.sentiment</c> texts. Lists of different groups are
/// aligned by position (<c>Names[i]</c> of one group corresponds to <c>Names[i]</c> of another), so
/// a counterfactual audit can swap a text from one group to another word by word.
/// </summary>
public sealed record GroupLexicon(
    string Subject,
    string Object,
    string Possessive,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> Relatives);

/// <summary>The lexicons of the groups <c>generate.sentiment</c> knows, and its shared vocabulary.</summary>
public static class SentimentLexicon
{
    public static readonly GroupLexicon Female = new(
        "she", "her", "her",
        ["Alice", "Maria", "Emma", "Sofia", "Grace", "Olivia", "Hannah", "Chloe", "Fatima", "Mei"],
        ["sister", "mother", "daughter", "wife", "aunt", "grandmother"]);

    public static readonly GroupLexicon Male = new(
        "he", "him", "his",
        ["Adam", "Mario", "Ethan", "Samuel", "George", "Oliver", "Henry", "Charles", "Omar", "Wei"],
        ["brother", "father", "son", "husband", "uncle", "grandfather"]);

    /// <summary>Used for <c>nonbinary</c> and for any group name without a lexicon of its own.</summary>
    public static readonly GroupLexicon Neutral = new(
        "they", "them", "their",
        ["Alex", "Robin", "Jordan", "Sam", "Taylor", "Casey", "Morgan", "Riley", "Quinn", "Avery"],
        ["sibling", "parent", "child", "partner", "relative", "grandparent"]);

    /// <summary>The group names with a lexicon of their own; any other name uses <see cref="Neutral"/>.</summary>
    public static readonly IReadOnlyDictionary<string, GroupLexicon> Groups = new Dictionary<string, GroupLexicon>(StringComparer.Ordinal)
    {
        ["female"] = Female,
        ["male"] = Male,
        ["nonbinary"] = Neutral,
    };

    public static GroupLexicon For(string group) => Groups.GetValueOrDefault(group) ?? Neutral;

    public static readonly IReadOnlyList<string> Products =
    [
        "blender", "laptop", "headphones", "phone case", "coffee maker", "backpack", "desk lamp", "kettle",
        "camera", "keyboard", "toaster", "water bottle", "jacket", "tent", "vacuum cleaner", "smartwatch",
        "novel", "board game", "mattress", "printer",
    ];

    public static readonly IReadOnlyList<string> Positive =
    [
        "great", "excellent", "wonderful", "reliable", "sturdy", "fantastic", "comfortable", "impressive",
        "delightful", "superb", "useful", "solid", "brilliant", "pleasant", "perfect",
    ];

    public static readonly IReadOnlyList<string> Negative =
    [
        "terrible", "awful", "flimsy", "disappointing", "useless", "broken", "noisy", "overpriced", "horrible",
        "frustrating", "poor", "defective", "uncomfortable", "mediocre", "dreadful",
    ];

    public static readonly IReadOnlyList<string> Intensifiers =
        ["very", "really", "truly", "extremely", "quite", "incredibly", "remarkably", "rather"];
}
