using System.Text.Json;
using System.Text.Json.Nodes;
using Experiments.Engine.Execution;
using Experiments.Training.Tokenizers;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>
/// A model artifact in a Hugging-Face-like layout: <c>config.json</c>, <c>model.safetensors</c> (for a
/// LoRA fine-tune, the merged weights), the tokenizer's files, and for LoRA also PEFT's
/// <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string AdapterConfigFile = "adapter_config.json";
    public const string AdapterWeightsFile = "adapter_model.safetensors";

    public static void Save(string directory, Gpt model, TextTokenizer tokenizer)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), model.Config.ToJson());
        SortedDictionary<string, Tensor> merged = model.MergedStateDict();
        try
        {
            GptWeights.Save(Path.Combine(directory, GptWeights.FileName), merged);
        }
        finally
        {
            // Merged tensors are fresh; the others belong to the model.
            var own = model.state_dict().Values.ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (Tensor tensor in merged.Values.Where(t => !own.Contains(t)))
            {
                tensor.Dispose();
            }
        }
        if (model.Lora is LoraOptions lora)
        {
            GptWeights.Save(Path.Combine(directory, AdapterWeightsFile), model.AdapterStateDict());
            var adapter = new JsonObject
            {
                ["peft_type"] = "LORA",
                ["r"] = lora.Rank,
                ["lora_alpha"] = lora.Alpha,
                ["lora_dropout"] = lora.Dropout,
                ["target_modules"] = new JsonArray(lora.Targets.Select(t => (JsonNode)t).ToArray()),
            };
            File.WriteAllText(Path.Combine(directory, AdapterConfigFile), adapter.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        tokenizer.Save(directory);
    }

    /// <summary>Reads the config of a model folder, with a clear message when it is missing or broken.</summary>
    public static GptConfig ReadConfig(string directory, string displayName)
    {
        string path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path))
        {
            throw new StepFailedException($"{displayName} has no {ConfigFile}; is it a model made by pretrain or finetune?");
        }
        try
        {
            GptConfig config = GptConfig.FromJson(File.ReadAllText(path), $"{displayName}, {ConfigFile}");
            string[] problems = config.Problems().ToArray();
            return problems.Length == 0
                ? config
                : throw new StepFailedException($"{displayName}, {ConfigFile}: {string.Join("; ", problems)}.");
        }
        catch (JsonException exception)
        {
            throw new StepFailedException($"{displayName}, {ConfigFile} is not a valid model config: {exception.Message}");
        }
    }

    /// <summary>
    /// Builds the model a folder describes and loads its weights (checked name by name and shape by
    /// shape). <paramref name="adjust"/> may change the config first, e.g. to add a classification
    /// head; tensors the adjusted model has and the file lacks (that head) keep their fresh values.
    /// </summary>
    public static Gpt Load(string directory, string displayName, Func<GptConfig, GptConfig>? adjust = null)
    {
        GptConfig stored = ReadConfig(directory, displayName);
        GptConfig config = adjust?.Invoke(stored) ?? stored;
        var model = new Gpt(config);
        try
        {
            bool sameHead = config.Labels.SequenceEqual(stored.Labels);
            GptWeights.LoadInto(model, Path.Combine(directory, GptWeights.FileName), $"{displayName}, {GptWeights.FileName}",
                expected: name => sameHead || !name.StartsWith("score.", StringComparison.Ordinal));
            return model;
        }
        catch (InvalidDataException exception)
        {
            model.Dispose();
            throw new StepFailedException(exception.Message);
        }
    }

    /// <summary>
    /// An input artifact's files as a real folder (links into the store), so loaders that expect a
    /// directory (tokenizers, safetensors) can read it. Dispose to remove the links.
    /// </summary>
    public static MaterializedFolder Materialize(InputArtifact artifact) => new(artifact);
}

/// <summary>A temporary folder of links to an artifact's files in the store.</summary>
public sealed class MaterializedFolder : IDisposable
{
    public MaterializedFolder(InputArtifact artifact)
    {
        Path = Directory.CreateTempSubdirectory("exp-artifact-").FullName;
        foreach ((string relative, string source) in artifact.Files)
        {
            string link = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, source);
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
