namespace Experiments.Cli;

/// <summary>Exit codes (DESIGN §6).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int StepFailed = 1;
    public const int SpecError = 2;
    public const int GateFailed = 3;
    public const int Cancelled = 130;
}
