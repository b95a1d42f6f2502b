using System.Text.Json;
using System.Text.Json.Serialization;

namespace Experiments.Training.Models;

/// <summary>
/// The shape of a decoder-only GPT, written as <c>config.json</c> beside its weights (names follow
/// Hugging Face's GPT-2 config where one exists, so the layout reads familiar).
/// </summary>
public sealed record GptConfig
{
    [JsonPropertyName("model_type")]
    public string ModelType { get; init; } = "gpt";

    [JsonPropertyName("vocab_size")]
    public required int VocabSize { get; init; }

    [JsonPropertyName("n_layer")]
    public required int Layers { get; init; }

    [JsonPropertyName("n_embd")]
    public required int Dim { get; init; }

    [JsonPropertyName("n_head")]
    public required int Heads { get; init; }

    /// <summary>The context length: the most tokens the model attends over.</summary>
    [JsonPropertyName("n_positions")]
    public required int Context { get; init; }

    [JsonPropertyName("dropout")]
    public double Dropout { get; init; }

    [JsonPropertyName("tie_word_embeddings")]
    public bool TiedEmbeddings { get; init; } = true;

    [JsonPropertyName("mlp_ratio")]
    public int MlpRatio { get; init; } = 4;

    /// <summary>The classes of the classification head, in id order; empty when the model has none.</summary>
    [JsonPropertyName("labels")]
    public IReadOnlyList<string> Labels { get; init; } = [];

    [JsonIgnore]
    public int HeadDim => Dim / Heads;

    /// <summary>The problems with this shape, each a sentence; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (VocabSize < 1)
        {
            yield return $"vocab_size is {VocabSize}; it must be at least 1";
        }
        if (Layers < 1 || Dim < 1 || Heads < 1 || Context < 2)
        {
            yield return "layers, dim and heads must be at least 1 and context at least 2";
        }
        else if (Dim % Heads != 0)
        {
            yield return $"dim {Dim} is not divisible by heads {Heads}";
        }
        if (Dropout is < 0 or >= 1)
        {
            yield return $"dropout {Dropout} is not in [0, 1)";
        }
    }

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static GptConfig FromJson(string json, string displayPath) =>
        JsonSerializer.Deserialize<GptConfig>(json, JsonOptions)
        ?? throw new InvalidDataException($"{displayPath}: empty model config");
}
