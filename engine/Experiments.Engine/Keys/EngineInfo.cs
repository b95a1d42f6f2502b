namespace Experiments.Engine.Keys;

/// <summary>Versions that enter every key.</summary>
public static class EngineInfo
{
    /// <summary>
    /// The key and store format version. Bump it when the engine changes how it computes keys or
    /// lays out outputs, so no entry written by an older engine is ever reused.
    /// </summary>
    public const string KeyVersion = "1";
}
