using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Steps.Kinds;

/// <summary>Parameters, inputs and outputs shared by the data kinds, so they read the same everywhere.</summary>
internal static class DataKindParams
{
    public const string Category = "data";

    public static readonly InputSpec DataInput = new("data", ArtifactType.Data, "The dataset to read.");

    public static readonly OutputSpec Out = new("out", ArtifactType.Data, "The resulting dataset (data.jsonl).");

    public static ParamSpec Examples(string doc) =>
        ParamSpec.Int("examples", doc, @default: 1000, min: 1, max: 10_000_000);

    public static readonly ParamSpec Stratify = ParamSpec.OptionalString(
        "stratify",
        "Field whose value classes keep their proportions in every part (e.g. \"label\"); every row must have it.");

    public static ParamSpec OptionalInt(string name, string doc, double? min = null, double? max = null) =>
        new(name, ParamType.Int, doc) { Default = CanonicalValue.Null, Min = min, Max = max };

    public static ParamSpec OptionalFloat(string name, string doc, double? min = null, double? max = null) =>
        new(name, ParamType.Float, doc) { Default = CanonicalValue.Null, Min = min, Max = max };

    public static ParamSpec StringList(string name, string doc, string[]? @default) =>
        new(name, ParamType.List(ParamType.String), doc)
        {
            Default = @default is null ? CanonicalValue.Null : CanonicalValue.List(@default.Select(CanonicalValue.String)),
        };

    public static StepKindSchema Schema(
        string name,
        string doc,
        EquatableArray<InputSpec> inputs,
        EquatableArray<ParamSpec> parameters,
        EquatableArray<OutputSpec> outputs) =>
        new(name, Version: 1, Category, doc, inputs, parameters, outputs);

    /// <summary>A non-null optional number as a double, else null.</summary>
    public static double? OptionalDouble(StepParameters parameters, string name) =>
        parameters.IsNull(name) ? null : parameters.GetDouble(name);
}
