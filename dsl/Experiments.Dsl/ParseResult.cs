using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;

namespace Experiments.Dsl;

/// <summary>What parsing one file gave: the document when it could be read, and the syntax diagnostics.</summary>
public sealed record ParseResult(ExperimentDocument? Document, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Document is not null && !Diagnostics.Any(d => d.IsError);
}
