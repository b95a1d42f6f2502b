namespace Experiments.Engine.Diagnostics;

/// <summary>
/// Every diagnostic code the engine emits. EXP1xxx are syntax errors (owned by the DSL parser),
/// EXP2xxx graph and semantic errors, EXP3xxx runtime problems, EXP4xxx gates.
/// </summary>
public static class DiagnosticCodes
{
    // EXP2xxx: graph and semantics.
    public const string UnknownKind = "EXP2001";
    public const string UnknownParameter = "EXP2002";
    public const string MissingParameter = "EXP2003";
    public const string TypeMismatch = "EXP2004";
    public const string OutOfRange = "EXP2005";
    public const string UnknownReference = "EXP2006";
    public const string WrongInputType = "EXP2007";
    public const string Cycle = "EXP2008";
    public const string DuplicateName = "EXP2009";
    public const string UnknownOutput = "EXP2010";
    public const string SweepGroupMismatch = "EXP2011";
    public const string UnknownOverride = "EXP2012";
    public const string ImportFailed = "EXP2013";
    public const string BadArguments = "EXP2014";
    public const string WrongCategory = "EXP2015";
    public const string SweepNotAllowed = "EXP2016";
    public const string BadGate = "EXP2017";
    public const string BadDocument = "EXP2018";
    public const string BadOverrideValue = "EXP2019";
    public const string UnknownStep = "EXP2020";
    public const string BadSampler = "EXP2021";
    public const string FileNotFound = "EXP2022";
    public const string TooManyVariants = "EXP2023";
    public const string BadExecutor = "EXP2024";

    // EXP3xxx: runtime.
    public const string StepFailed = "EXP3001";
    public const string CorruptBlob = "EXP3002";
    public const string InputFile = "EXP3003";
    public const string Cancelled = "EXP3004";
    public const string StoreError = "EXP3005";

    // EXP31xx: tracking and provenance (ledger, MLflow, git).
    public const string MlflowUnreachable = "EXP3101";
    public const string MlflowUnauthorized = "EXP3102";
    public const string MlflowRejected = "EXP3103";
    public const string LedgerError = "EXP3104";
    public const string GitDirty = "EXP3105";
    public const string GitNone = "EXP3106";
    public const string ReproduceMismatch = "EXP3107";
    public const string UnknownRun = "EXP3108";

    // EXP4xxx: gates.
    public const string GateFailed = "EXP4001";
    public const string GateMetricMissing = "EXP4002";
    public const string BaselineMissing = "EXP4003";
    public const string BaselineUnreadable = "EXP4004";
    public const string BaselineUnavailable = "EXP4005";
}
