using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Tests.Support;

namespace Experiments.Engine.Tests.Compile;

/// <summary>The <c>executor</c> statement: where `exp run` runs the experiment's steps.</summary>
public sealed class ExecutorStatementTests
{
    private static readonly StepKindRegistry Registry = TestExperiment.Registry(new TextKind("make"));

    private static (ExecutorSettings? Executor, IReadOnlyList<Diagnostic> Diagnostics) Compile(string statement)
    {
        var (graph, diagnostics) = TestExperiment.Compile($"experiment e {{\n  {statement}\n  data a = make()\n}}", Registry);
        return (graph?.Spec.Executor, diagnostics);
    }

    [Fact]
    public void Slurm_with_its_job_settings_is_read_into_the_spec()
    {
        (ExecutorSettings? executor, IReadOnlyList<Diagnostic> diagnostics) =
            Compile("executor slurm(partition: \"gpu\", account: \"ml\", time: 90, args: [\"--qos=high\", \"--exclusive\"])");

        Assert.Empty(diagnostics);
        Assert.NotNull(executor);
        Assert.Equal(("slurm", "gpu", "ml", "90"), (executor.Name, executor.Partition, executor.Account, executor.Time));
        Assert.Equal(["--qos=high", "--exclusive"], executor.SlurmArgs);
        Assert.Equal(2, executor.Span.Line);
    }

    [Fact]
    public void A_bare_name_is_an_executor_without_settings_and_no_statement_means_none()
    {
        Assert.Equal("local", Compile("executor local").Executor?.Name);
        Assert.Null(Compile("seed 1").Executor);
    }

    [Theory]
    [InlineData("executor slurn", 2, 12, "unknown executor `slurn`; expected one of local, slurm.")]
    [InlineData("executor local(partition: \"x\")", 2, 18, "executor `local` takes no arguments.")]
    [InlineData("executor slurm(queue: \"x\")", 2, 18, "executor `slurm` takes named arguments partition, account, time, args; found `queue`.")]
    [InlineData("executor slurm(time: 1.5)", 2, 24, "`time` is a whole number of minutes or a string such as \"2:00:00\".")]
    [InlineData("executor slurm(args: [1])", 2, 24, "`args` is a list of strings, each one sbatch argument: [\"--qos=high\"].")]
    public void Mistakes_are_diagnostics_at_their_position(string statement, int line, int column, string message)
    {
        (ExecutorSettings? executor, IReadOnlyList<Diagnostic> diagnostics) = Compile(statement);

        Assert.Null(executor);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.BadExecutor, diagnostic.Code);
        Assert.Equal((line, column, message), (diagnostic.Span.Line, diagnostic.Span.Column, diagnostic.Message));
    }
}
