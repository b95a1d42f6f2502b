namespace Experiments.Engine.Store;

/// <summary>
/// What one `exp run` used: the keys of every node it resolved. `exp gc` keeps what recent runs
/// reference.
/// </summary>
public sealed record RunRecord(string Experiment, string File, DateTimeOffset Started, IReadOnlyList<string> Keys);

/// <summary>
/// A step's self-contained specification (DESIGN §3 "a step is self-contained"): written before it
/// executes, so another process given only the store and the key can execute it.
/// </summary>
public sealed record StepSpecRecord(
    string Key,
    string Step,
    string Description,
    IReadOnlyDictionary<string, OutputManifest> Inputs,
    IReadOnlyDictionary<string, StepSourceRecord> Sources);

/// <summary>A user's file a step reads: how it was written and the blob holding its bytes.</summary>
public sealed record StepSourceRecord(string DisplayPath, string Digest, long Size);
