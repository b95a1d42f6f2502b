namespace Experiments.Engine.Kinds;

/// <summary>What flows along an edge of the graph. An input accepts only outputs of its type.</summary>
public enum ArtifactType
{
    /// <summary>A dataset: a folder holding <c>data.jsonl</c>, one JSON object per line.</summary>
    Data,
    Model,
    Tokenizer,
    Metrics,
    Report,
}
