using System.Buffers;
using System.Text;
using System.Text.Json;
using Experiments.Engine.Compile;
using Experiments.Engine.Keys;

namespace Experiments.Engine.Store;

/// <summary>An input of a recipe: output <see cref="Output"/> of whatever recipe <see cref="Recipe"/> produced.</summary>
public sealed record RecipeInput(string Recipe, string Output);

/// <summary>
/// A step before its key is known. A key hashes the digests of the upstream outputs, which do not
/// exist while an upstream job is still queued; a recipe names its inputs by the recipes that
/// produce them instead. Whoever executes it (a Slurm job, once its upstream jobs succeeded) reads
/// each upstream recipe's <see cref="RecipeResult"/>, completes the key description with the
/// digests and executes the step like any other: the key is computed by the same function as in a
/// local run (<see cref="StepKeys.Describe(Kinds.StepKind, IReadOnlyDictionary{string, CanonicalValue}, long, IReadOnlyDictionary{string, string}, IReadOnlyDictionary{string, string})"/>).
/// <para>
/// The recipe id hashes everything but the step's name and the spelling of its files, so it is
/// the same in every invocation of the same graph whatever is cached: a rerun finds the job an
/// earlier invocation submitted for it. Environment facets are not in it: the executing process
/// computes them for the machine it runs on.
/// </para>
/// </summary>
public sealed record StepRecipe(
    string Step,
    string Kind,
    int Version,
    IReadOnlyDictionary<string, CanonicalValue> Params,
    IReadOnlyDictionary<string, RecipeInput> Inputs,
    IReadOnlyDictionary<string, StepSourceRecord> Sources,
    long ExperimentSeed)
{
    private string? _id;

    /// <summary>SHA-256 of the canonical text of everything that decides the step's result.</summary>
    public string Id => _id ??= Hashing.Sha256Hex(Write(forId: true));

    public byte[] ToJson() => Encoding.UTF8.GetBytes(Write(forId: false));

    public static StepRecipe Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        JsonElement root = document.RootElement;
        var recipe = new StepRecipe(
            root.GetProperty("step").GetString()!,
            root.GetProperty("kind").GetString()!,
            root.GetProperty("version").GetInt32(),
            root.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => CanonicalValue.Read(p.Value), StringComparer.Ordinal),
            root.GetProperty("inputs").EnumerateObject().ToDictionary(
                p => p.Name,
                p => new RecipeInput(p.Value.GetProperty("recipe").GetString()!, p.Value.GetProperty("output").GetString()!),
                StringComparer.Ordinal),
            root.GetProperty("sources").EnumerateObject().ToDictionary(
                p => p.Name,
                p => new StepSourceRecord(
                    p.Value.GetProperty("display_path").GetString()!, p.Value.GetProperty("digest").GetString()!, p.Value.GetProperty("size").GetInt64()),
                StringComparer.Ordinal),
            root.GetProperty("experiment_seed").GetInt64());
        string id = root.GetProperty("recipe").GetString()!;
        return recipe.Id == id ? recipe : throw new FormatException($"recipe {id[..12]} does not hash to its id (damaged).");
    }

    private string Write(bool forId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("engine", EngineInfo.KeyVersion);
            writer.WriteNumber("experiment_seed", ExperimentSeed);
            writer.WriteStartObject("inputs");
            foreach ((string name, RecipeInput input) in Inputs.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                writer.WriteString("output", input.Output);
                writer.WriteString("recipe", input.Recipe);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteString("kind", Kind);
            KeyDescription.WriteParams(writer, Params);
            if (!forId)
            {
                writer.WriteString("recipe", Id);
            }
            writer.WriteStartObject("sources");
            foreach ((string name, StepSourceRecord source) in Sources.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                writer.WriteString("digest", source.Digest);
                writer.WriteNumber("size", source.Size);
                if (!forId)
                {
                    writer.WriteString("display_path", source.DisplayPath);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            if (!forId)
            {
                writer.WriteString("step", Step);
            }
            writer.WriteNumber("version", Version);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// What a recipe resolved to, written by whoever executed it (or found it cached) after the action
/// entry is in place: the key its inputs gave, so downstream recipes can read its outputs.
/// </summary>
public sealed record RecipeResult(string Recipe, string Key, bool Ran);
