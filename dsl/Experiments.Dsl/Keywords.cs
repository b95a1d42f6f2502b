namespace Experiments.Dsl;

/// <summary>The reserved words of the language and the subset that can start a statement.</summary>
internal static class Keywords
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "experiment", "seed", "param", "data", "model", "eval", "audit", "report", "gate", "import", "sweep", "executor", "true", "false",
    };

    /// <summary>Declaration categories: <c>data NAME = KIND(...)</c> and friends.</summary>
    public static readonly IReadOnlyList<string> Categories = ["data", "model", "eval", "audit", "report"];

    public static readonly IReadOnlyList<string> Statements = ["seed", "param", "data", "model", "eval", "audit", "report", "gate", "import", "sweep", "executor"];

    public static bool IsStatementKeyword(Token token) => token.Kind == TokenKind.Keyword && Statements.Contains(token.Text);
}
