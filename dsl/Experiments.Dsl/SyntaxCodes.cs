namespace Experiments.Dsl;

/// <summary>
/// The EXP1xxx syntax diagnostics the parser reports. The engine owns EXP2xxx and up
/// (<c>Experiments.Engine.Diagnostics.DiagnosticCodes</c>); keep these in step with the corpus
/// under <c>tests/corpus/malformed/syntax-*.exp</c>.
/// </summary>
public static class SyntaxCodes
{
    /// <summary>Generic: the parser expected one thing and found another.</summary>
    public const string UnexpectedToken = "EXP1001";

    /// <summary>A string literal is not closed before the end of its line.</summary>
    public const string UnterminatedString = "EXP1002";

    /// <summary>A malformed number: <c>1e</c>, <c>.5</c>, <c>1.</c>, <c>12abc</c>, or one out of range.</summary>
    public const string InvalidNumber = "EXP1003";

    /// <summary>A statement starts with a word that is not a statement keyword.</summary>
    public const string UnknownStatement = "EXP1004";

    /// <summary>A declaration or param is missing its <c>=</c>.</summary>
    public const string MissingEquals = "EXP1005";

    /// <summary>A <c>(</c>, <c>[</c> or <c>{</c> is never closed.</summary>
    public const string UnclosedDelimiter = "EXP1006";

    /// <summary>A positional argument follows a named one.</summary>
    public const string PositionalAfterNamed = "EXP1007";

    /// <summary>A keyword is used where a name is required.</summary>
    public const string ReservedWord = "EXP1008";

    /// <summary>A gate has something other than a comparison operator or <c>no_regression(...)</c>.</summary>
    public const string InvalidGateOperator = "EXP1009";

    /// <summary>Something other than comments follows the experiment block.</summary>
    public const string TextAfterExperiment = "EXP1010";

    /// <summary><c>sweep[]</c> has no values.</summary>
    public const string EmptySweep = "EXP1011";

    /// <summary>A sweep appears inside another sweep's values.</summary>
    public const string NestedSweep = "EXP1012";

    /// <summary><c>experiment {</c> without a name.</summary>
    public const string MissingExperimentName = "EXP1013";

    /// <summary>A backslash escape other than <c>\" \\ \n \t</c> in a string.</summary>
    public const string InvalidEscape = "EXP1014";

    /// <summary>The same argument name appears twice in one call.</summary>
    public const string DuplicateArgument = "EXP1015";
}
