using System.Runtime.InteropServices;

namespace Experiments.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM: the first one cancels the run, which stops running steps, keeps
/// every finished result and writes nothing half-done, then reports and exits with 130. A second
/// signal ends the process at once (the store stays consistent either way: every write is atomic).
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignals(CancellationTokenSource cancellation, TextWriter error)
    {
        _cancellation = cancellation;
        _error = error;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_cancellation.IsCancellationRequested)
        {
            return; // Second signal: let the default action end the process.
        }
        context.Cancel = true;
        _error.WriteLine($"exp: {context.Signal} received; cancelling running steps (send it again to stop at once).");
        _cancellation.Cancel();
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
