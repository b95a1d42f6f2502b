using System.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Experiments.Training.Models;

/// <summary>
/// Reads and writes a model's weights as safetensors. Writing is byte-deterministic (tensors in
/// name order); loading checks every name and shape against the model before copying anything, so
/// a mismatch is reported, tensor by tensor, instead of half-loading.
/// </summary>
public static class GptWeights
{
    public const string FileName = "model.safetensors";

    /// <summary>Writes <paramref name="state"/> in name order to <paramref name="path"/> (replacing any file).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        var ordered = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var owned = new List<Tensor>();
        foreach ((string name, Tensor tensor) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Tensor cpu = tensor.device_type == DeviceType.CPU && tensor.is_contiguous() ? tensor : tensor.detach().cpu().contiguous();
            if (!ReferenceEquals(cpu, tensor))
            {
                owned.Add(cpu);
            }
            ordered[name] = cpu;
        }
        try
        {
            using FileStream stream = File.Create(path);
            Safetensors.SaveStateDict(stream, ordered, leaveOpen: true);
        }
        finally
        {
            owned.ForEach(t => t.Dispose());
        }
    }

    /// <summary>Reads every tensor of a safetensors file; the message names the file when it is not one.</summary>
    public static Dictionary<string, Tensor> Read(string path, string displayPath)
    {
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or NotImplementedException
            or System.Text.Json.JsonException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"{displayPath} is not a readable safetensors file: {exception.Message}");
        }
    }

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="model"/>'s parameters named
    /// in <paramref name="expected"/>. Every missing, unexpected or misshapen tensor is listed in one
    /// <see cref="InvalidDataException"/>, with both shapes, and nothing is copied.
    /// </summary>
    public static void LoadInto(nn.Module model, string path, string displayPath, Func<string, bool>? expected = null)
    {
        Dictionary<string, Tensor> loaded = Read(path, displayPath);
        try
        {
            Dictionary<string, Tensor> target = model.state_dict()
                .Where(p => expected?.Invoke(p.Key) ?? true)
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var problems = new List<string>();
            foreach ((string name, Tensor tensor) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!loaded.TryGetValue(name, out Tensor? source))
                {
                    problems.Add($"tensor '{name}' is missing (the model expects shape {Shape(tensor)})");
                }
                else if (!source.shape.SequenceEqual(tensor.shape))
                {
                    problems.Add($"tensor '{name}' has shape {Shape(source)} in the file but the model expects {Shape(tensor)}");
                }
                else if (source.dtype != tensor.dtype)
                {
                    problems.Add($"tensor '{name}' is {source.dtype} in the file but the model expects {tensor.dtype}");
                }
            }
            foreach (string name in loaded.Keys.Where(k => !target.ContainsKey(k) && (expected?.Invoke(k) ?? true)).Order(StringComparer.Ordinal))
            {
                problems.Add($"tensor '{name}' in the file is not part of the model");
            }
            if (problems.Count > 0)
            {
                var message = new StringBuilder($"{displayPath} does not fit the model ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):");
                foreach (string problem in problems.Take(10))
                {
                    message.Append("\n  ").Append(problem);
                }
                if (problems.Count > 10)
                {
                    message.Append($"\n  … and {problems.Count - 10} more");
                }
                throw new InvalidDataException(message.ToString());
            }
            using (no_grad())
            {
                foreach ((string name, Tensor tensor) in target)
                {
                    tensor.copy_(loaded[name]);
                }
            }
        }
        finally
        {
            foreach (Tensor tensor in loaded.Values)
            {
                tensor.Dispose();
            }
        }
    }

    public static string Shape(Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";
}
