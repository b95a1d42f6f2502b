using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>Parses one file into a document; the DSL supplies it (the engine does not know the grammar).</summary>
public delegate (ExperimentDocument? Document, IReadOnlyList<Diagnostic> Diagnostics) DocumentLoader(string path);

/// <summary>
/// Turns a root document and its imports into one <see cref="ExperimentSpec"/>. Imported documents
/// contribute their params, steps and gates before the importing document's own; an import
/// cycle or a missing file is a diagnostic at the import statement.
/// </summary>
public sealed class SpecAssembler(DocumentLoader load)
{
    public ExperimentSpec? Assemble(string rootPath, DiagnosticBag diagnostics)
    {
        (ExperimentDocument? root, IReadOnlyList<Diagnostic> rootDiagnostics) = load(rootPath);
        diagnostics.AddRange(rootDiagnostics);
        if (root is null || rootDiagnostics.Any(d => d.IsError))
        {
            return null;
        }
        if (root.Name is null)
        {
            diagnostics.Error(DiagnosticCodes.BadDocument, new SourceSpan(rootPath, 1, 1),
                "this file has no `experiment NAME { ... }` block; it can only be imported.");
            return null;
        }

        var statements = new List<Statement>();
        var visiting = new Stack<string>();
        Collect(root, statements, visiting, diagnostics);

        long seed = 0;
        SeedStatement? seedStatement = null;
        SweepSamplingStatement? sampler = null;
        ExecutorStatement? executorStatement = null;
        ExecutorSettings? executor = null;
        foreach (Statement statement in statements)
        {
            switch (statement)
            {
                case SeedStatement s when seedStatement is not null && s.Span.File == root.Path && seedStatement.Span.File == root.Path:
                    diagnostics.Error(DiagnosticCodes.DuplicateName, s.Span, $"the seed is already set at line {seedStatement.Span.Line}.");
                    break;
                case SeedStatement s:
                    // The root document's own seed wins over an imported one.
                    if (seedStatement is null || s.Span.File == root.Path)
                    {
                        seedStatement = s;
                        seed = s.Seed;
                    }
                    break;
                case SweepSamplingStatement s when sampler is not null:
                    diagnostics.Error(DiagnosticCodes.BadSampler, s.Span, $"the sweep sampler is already set at {sampler.Span}.");
                    break;
                case SweepSamplingStatement s:
                    sampler = s;
                    break;
                case ExecutorStatement s when executorStatement is not null:
                    diagnostics.Error(DiagnosticCodes.BadExecutor, s.Span, $"the executor is already set at {executorStatement.Span}.");
                    break;
                case ExecutorStatement s:
                    executorStatement = s;
                    executor = ExecutorSettings.Read(s, diagnostics);
                    break;
            }
        }

        return new ExperimentSpec(
            root.Name,
            root.Path,
            seed,
            statements.OfType<ParamStatement>().ToEquatableArray(),
            statements.OfType<StepDeclaration>().ToEquatableArray(),
            statements.OfType<GateStatement>().ToEquatableArray(),
            sampler,
            root.NameSpan)
        {
            Executor = executor,
        };
    }

    private void Collect(ExperimentDocument document, List<Statement> into, Stack<string> visiting, DiagnosticBag diagnostics)
    {
        visiting.Push(Path.GetFullPath(document.Path));
        foreach (Statement statement in document.Statements)
        {
            if (statement is not ImportStatement import)
            {
                into.Add(statement);
                continue;
            }
            string directory = Path.GetDirectoryName(Path.GetFullPath(document.Path)) ?? ".";
            string target = Path.GetFullPath(Path.Combine(directory, import.Path));
            if (visiting.Contains(target))
            {
                diagnostics.Error(DiagnosticCodes.ImportFailed, import.Span,
                    $"import cycle: {string.Join(" → ", visiting.Reverse().Append(target).Select(Path.GetFileName))}.");
                continue;
            }
            if (!File.Exists(target))
            {
                diagnostics.Error(DiagnosticCodes.ImportFailed, import.Span, $"cannot import \"{import.Path}\": no such file ({target}).");
                continue;
            }
            string shown = Path.GetRelativePath(Directory.GetCurrentDirectory(), target);
            (ExperimentDocument? imported, IReadOnlyList<Diagnostic> importDiagnostics) = load(shown);
            diagnostics.AddRange(importDiagnostics);
            if (imported is null || importDiagnostics.Any(d => d.IsError))
            {
                continue;
            }
            Collect(imported, into, visiting, diagnostics);
        }
        visiting.Pop();
    }
}
