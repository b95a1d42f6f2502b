using System.Text.Json;
using System.Text.Json.Serialization;

namespace Experiments.Training.Training;

/// <summary>
/// The loop's own state at a step boundary, saved with each checkpoint (HF's trainer_state.json):
/// with the weights, the optimizer moments, torch's RNG state and the step number it determines the
/// rest of the run exactly (the data order is a function of the step).
/// </summary>
public sealed record TrainerState
{
    [JsonPropertyName("step")]
    public long Step { get; init; }

    [JsonPropertyName("optimizer_steps")]
    public long OptimizerSteps { get; init; }

    /// <summary>torch's CPU generator state, base64.</summary>
    [JsonPropertyName("rng_state")]
    public string RngState { get; init; } = "";

    [JsonPropertyName("best_metric")]
    public double? BestMetric { get; init; }

    [JsonPropertyName("best_step")]
    public long? BestStep { get; init; }

    [JsonPropertyName("evaluations_without_improvement")]
    public int EvaluationsWithoutImprovement { get; init; }

    [JsonPropertyName("last_finite_loss")]
    public double? LastFiniteLoss { get; init; }

    [JsonPropertyName("tokens_seen")]
    public long TokensSeen { get; init; }

    [JsonPropertyName("stopped_early")]
    public bool StoppedEarly { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
