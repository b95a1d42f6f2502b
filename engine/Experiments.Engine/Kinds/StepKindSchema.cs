using Experiments.Engine.Spec;

namespace Experiments.Engine.Kinds;

/// <summary>
/// The typed contract of a step kind: what it is called, its version (bump it whenever its output
/// for the same inputs changes; the version is part of every key), its inputs, parameters,
/// outputs and resource needs. The compiler validates experiments against it; <c>exp kinds</c>
/// prints it.
/// </summary>
public sealed record StepKindSchema(
    string Name,
    int Version,
    string Category,
    string Doc,
    EquatableArray<InputSpec> Inputs,
    EquatableArray<ParamSpec> Params,
    EquatableArray<OutputSpec> Outputs)
{
    public ResourceSlots Slots { get; init; } = ResourceSlots.Light;

    /// <summary>The output a bare reference (<c>reviews</c> rather than <c>reviews.x</c>) names.</summary>
    public OutputSpec DefaultOutput => Outputs[0];

    public ParamSpec? FindParam(string name) => Params.FirstOrDefault(p => p.Name == name);

    public InputSpec? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);

    public OutputSpec? FindOutput(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}
