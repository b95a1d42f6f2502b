using Experiments.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Tests.Models;

public sealed class GptWeightsTests
{
    [Fact]
    public void Saving_then_loading_restores_every_weight_and_the_file_bytes_are_deterministic()
    {
        string folder = Directory.CreateTempSubdirectory("exp-weights-").FullName;
        try
        {
            using Gpt source = TinyModels.Create(seed: 4);
            GptWeights.Save(Path.Combine(folder, "a.safetensors"), source.state_dict());
            GptWeights.Save(Path.Combine(folder, "b.safetensors"), source.state_dict());
            using Gpt target = TinyModels.Create(seed: 5);

            GptWeights.LoadInto(target, Path.Combine(folder, "a.safetensors"), "a.safetensors");

            Assert.Equal(TinyModels.WeightBytes(source), TinyModels.WeightBytes(target));
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "a.safetensors")), File.ReadAllBytes(Path.Combine(folder, "b.safetensors")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_named_with_both_shapes_and_nothing_is_loaded()
    {
        string folder = Directory.CreateTempSubdirectory("exp-weights-").FullName;
        try
        {
            using Gpt source = TinyModels.Create(seed: 4);
            var state = source.state_dict().ToDictionary(p => p.Key, p => p.Value);
            using Tensor wrong = zeros(64, 32);
            state["h.1.attn.qkv.weight"] = wrong;
            string path = Path.Combine(folder, "model.safetensors");
            GptWeights.Save(path, state);
            using Gpt target = TinyModels.Create(seed: 5);
            byte[] before = TinyModels.WeightBytes(target);

            var error = Assert.Throws<InvalidDataException>(() => GptWeights.LoadInto(target, path, "model.safetensors"));

            Assert.Equal(
                "model.safetensors does not fit the model (1 problem):\n  tensor 'h.1.attn.qkv.weight' has shape [64, 32] in the file but the model expects [96, 32]",
                error.Message);
            Assert.Equal(before, TinyModels.WeightBytes(target));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Missing_and_unexpected_tensors_are_listed()
    {
        string folder = Directory.CreateTempSubdirectory("exp-weights-").FullName;
        try
        {
            using Gpt source = TinyModels.Create();
            var state = source.state_dict().Where(p => p.Key != "ln_f.bias").ToDictionary(p => p.Key, p => p.Value);
            using Tensor extra = zeros(3);
            state["extra.weight"] = extra;
            string path = Path.Combine(folder, "model.safetensors");
            GptWeights.Save(path, state);
            using Gpt target = TinyModels.Create();

            var error = Assert.Throws<InvalidDataException>(() => GptWeights.LoadInto(target, path, "model.safetensors"));

            Assert.Contains("tensor 'ln_f.bias' is missing (the model expects shape [32])", error.Message);
            Assert.Contains("tensor 'extra.weight' in the file is not part of the model", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_reported_as_such()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not weights");
            using Gpt target = TinyModels.Create();

            var error = Assert.Throws<InvalidDataException>(() => GptWeights.LoadInto(target, path, "model.safetensors"));

            Assert.StartsWith("model.safetensors is not a readable safetensors file", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
