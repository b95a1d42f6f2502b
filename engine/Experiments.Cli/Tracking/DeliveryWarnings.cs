using Experiments.Cli.Rendering;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Experiments.Tracking.Mlflow;

namespace Experiments.Cli.Tracking;

/// <summary>Says, once per invocation, what did not reach MLflow and what to do about it.</summary>
internal static class DeliveryWarnings
{
    public static void Write(DiagnosticRenderer renderer, MlflowSettings settings, DeliveryReport report, IReadOnlyList<MlflowException> problems, Severity severity = Severity.Warning)
    {
        var where = new SourceSpan(settings.Display, 0, 0);
        foreach (MlflowException rejected in problems.Where(p => p.Failure == MlflowFailure.Rejected).Take(5))
        {
            renderer.Write(new Diagnostic(DiagnosticCodes.MlflowRejected, severity, rejected.Message, where));
        }
        if (report.Pending == 0)
        {
            return;
        }
        MlflowException? last = problems.LastOrDefault(p => p.Failure != MlflowFailure.Rejected);
        string code = last?.Failure == MlflowFailure.Unauthorized ? DiagnosticCodes.MlflowUnauthorized : DiagnosticCodes.MlflowUnreachable;
        string why = report.Busy ? "another exp is delivering from this store" : last?.Message ?? "the delivery time ran out";
        renderer.Write(new Diagnostic(code, severity,
            $"{report.Pending} MLflow request(s) wait in the outbox ({why}). They are kept in the ledger and sent by the next run or `exp mlflow sync`.",
            where));
    }
}
