using Experiments.Engine.Spec;
using Sprache;
using static Experiments.Dsl.TokenParsers;

namespace Experiments.Dsl;

/// <summary>
/// A whole file: leading imports, then either one <c>experiment NAME { ... }</c> block or, for a
/// library meant for <c>import</c>, a plain sequence of statements.
/// </summary>
internal static class DocumentGrammar
{
    /// <summary>The whole parsed file before it is tied to a path: name, its span, statements.</summary>
    internal sealed record Body(Token? Name, IReadOnlyList<Statement> Statements);

    private static readonly Parser<IEnumerable<Statement>> Imports = StatementGrammar.Import.XMany();

    private static readonly Parser<IEnumerable<Statement>> Statements = StatementGrammar.Statement.XMany();

    private static readonly Parser<Token> ExperimentName = i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        if (token.Kind == TokenKind.LeftBrace)
        {
            return Fail<Token>(input, SyntaxCodes.MissingExperimentName,
                "expected the experiment's name after `experiment`, found `{`; write `experiment NAME {`");
        }
        return StatementGrammar.DeclaredName("experiment")(i);
    };

    /// <summary>The block's <c>}</c>; at end of file the <c>{</c> was never closed, so point at it.</summary>
    private static Parser<Token> CloseBrace(TokenInput open) => i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        if (token.Kind == TokenKind.RightBrace)
        {
            return Result.Success(token, input.Advance());
        }
        if (token.Kind == TokenKind.End)
        {
            return Fail<Token>(open, SyntaxCodes.UnclosedDelimiter,
                "`{` of the experiment block is never closed: expected `}` before the end of the file");
        }
        return LexicalProblem<Token>(input)
            ?? Fail<Token>(input, SyntaxCodes.UnexpectedToken, $"expected a statement or `}}`, found {token.Describe()}");
    };

    private static readonly Parser<Token> EndAfterBlock = i =>
    {
        var input = (TokenInput)i;
        return input.AtEnd
            ? Result.Success(input.Token, input)
            : LexicalProblem<Token>(input) ?? Fail<Token>(input, SyntaxCodes.TextAfterExperiment,
                $"unexpected {input.Token.Describe()} after the experiment block; only comments may follow its closing `}}`");
    };

    private static Parser<Body> Experiment(IEnumerable<Statement> imports) =>
        from keyword in Keyword("experiment")
        from name in ExperimentName
        from open in Mark
        from brace in Kind(TokenKind.LeftBrace, "`{`")
            .Otherwise(t => $"expected `{{` after `experiment {name.Text}`, found {t.Describe()}")
        from statements in Statements
        from close in CloseBrace(open)
        from end in EndAfterBlock
        select new Body(name, imports.Concat(statements).ToList());

    /// <summary>Statements up to the end of the file. An empty file is an error: it is neither an experiment nor a useful library.</summary>
    private static Parser<Body> Library(IEnumerable<Statement> imports) =>
        Statements.Then(statements => (Parser<Body>)(i =>
        {
            var input = (TokenInput)i;
            List<Statement> all = imports.Concat(statements).ToList();
            Token token = input.Token;
            if (token.Kind == TokenKind.End)
            {
                return all.Count == 0
                    ? Fail<Body>(input, SyntaxCodes.UnexpectedToken, "expected `experiment NAME { ... }`, found an empty file")
                    : Result.Success(new Body(null, all), input);
            }
            if (LexicalProblem<Body>(input) is { } lexical)
            {
                return lexical;
            }
            string message = token.IsKeyword("experiment")
                ? "the `experiment` block must come before any statement other than `import`"
                : all.Count == 0
                    ? $"expected `experiment NAME {{ ... }}` or a statement, found {token.Describe()}"
                    : $"expected a statement, found {token.Describe()}";
            return Fail<Body>(input, SyntaxCodes.UnexpectedToken, message);
        }));

    public static readonly Parser<Body> Document =
        Imports.Then(imports => Experiment(imports).XOr(Library(imports)));
}
