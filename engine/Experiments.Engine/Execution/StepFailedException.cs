namespace Experiments.Engine.Execution;

/// <summary>
/// Thrown by a step for a failure the user can act on (a malformed row, a bad file): the run
/// reports the message, without a stack trace, as that step's failure.
/// </summary>
public sealed class StepFailedException(string message) : Exception(message);
