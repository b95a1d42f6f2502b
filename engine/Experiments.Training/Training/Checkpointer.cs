using System.Globalization;
using System.Text.Json;
using Experiments.Training.Models;
using static TorchSharp.torch;

namespace Experiments.Training.Training;

/// <summary>
/// Checkpoints under one folder: <c>checkpoint-STEP/</c> holding <c>model.safetensors</c>,
/// <c>optimizer.safetensors</c> and <c>trainer_state.json</c>, plus <c>best/model.safetensors</c>
/// for best-model selection. A checkpoint is written in a temporary folder and renamed into place,
/// so one that exists is complete; only the newest <c>save_total_limit</c> are kept.
/// </summary>
public sealed class Checkpointer(string root, int totalLimit)
{
    private const string Prefix = "checkpoint-";
    private const string StateFile = "trainer_state.json";
    private const string OptimizerFile = "optimizer.safetensors";

    public string Root { get; } = root;

    private string BestPath => Path.Combine(Root, "best", GptWeights.FileName);

    public void Save(Gpt model, AdamW optimizer, TrainerState state)
    {
        Directory.CreateDirectory(Root);
        string final = Path.Combine(Root, Prefix + state.Step.ToString(CultureInfo.InvariantCulture));
        string temp = Path.Combine(Root, $".tmp-{Environment.ProcessId}-{state.Step}");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }
        Directory.CreateDirectory(temp);
        GptWeights.Save(Path.Combine(temp, GptWeights.FileName), model.state_dict());
        GptWeights.Save(Path.Combine(temp, OptimizerFile), optimizer.State());
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, TrainerState.JsonOptions));
        if (Directory.Exists(final))
        {
            Directory.Delete(final, recursive: true);
        }
        Directory.Move(temp, final);
        foreach (string old in Checkpoints().SkipLast(Math.Max(1, totalLimit)))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Restores the newest complete checkpoint into the model and optimizer; null when there is none.</summary>
    public TrainerState? TryRestoreLatest(Gpt model, AdamW optimizer)
    {
        string? latest = Checkpoints().LastOrDefault();
        if (latest is null)
        {
            return null;
        }
        string statePath = Path.Combine(latest, StateFile);
        TrainerState state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath), TrainerState.JsonOptions)
            ?? throw new InvalidDataException($"{statePath} is empty");
        GptWeights.LoadInto(model, Path.Combine(latest, GptWeights.FileName), Path.Combine(latest, GptWeights.FileName));
        Dictionary<string, Tensor> moments = GptWeights.Read(Path.Combine(latest, OptimizerFile), Path.Combine(latest, OptimizerFile));
        try
        {
            optimizer.Restore(moments, state.OptimizerSteps);
        }
        finally
        {
            foreach (Tensor tensor in moments.Values)
            {
                tensor.Dispose();
            }
        }
        return state;
    }

    public void SaveBest(Gpt model)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(BestPath)!);
        string temp = BestPath + $".{Environment.ProcessId}.tmp";
        GptWeights.Save(temp, model.state_dict());
        File.Move(temp, BestPath, overwrite: true);
    }

    public bool HasBest => File.Exists(BestPath);

    public void LoadBest(Gpt model) => GptWeights.LoadInto(model, BestPath, BestPath);

    /// <summary>Complete checkpoints, oldest first.</summary>
    private IEnumerable<string> Checkpoints()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        return Directory.EnumerateDirectories(Root, Prefix + "*")
            .Select(d => (Path: d, Step: long.TryParse(Path.GetFileName(d)[Prefix.Length..], CultureInfo.InvariantCulture, out long s) ? s : -1))
            .Where(c => c.Step >= 0 && File.Exists(Path.Combine(c.Path, StateFile)))
            .OrderBy(c => c.Step)
            .Select(c => c.Path)
            .ToList();
    }
}
