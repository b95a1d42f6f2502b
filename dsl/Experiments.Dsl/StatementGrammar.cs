using System.Globalization;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Sprache;
using static Experiments.Dsl.TokenParsers;

namespace Experiments.Dsl;

/// <summary>
/// Statements inside (or, in a library file, instead of) the experiment block. Each starts with a
/// keyword, so the keyword picks the production (XOr) and every later mistake is reported inside it.
/// </summary>
internal static class StatementGrammar
{
    private static readonly string[] ComparisonOperators = [">=", ">", "<=", "<", "==", "!="];

    /// <summary>A name being declared: an identifier; a keyword is EXP1008, anything else EXP1001.</summary>
    public static Parser<Token> DeclaredName(string after) => i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        return token.Kind switch
        {
            TokenKind.Identifier => Result.Success(token, input.Advance()),
            TokenKind.Keyword => Fail<Token>(input, SyntaxCodes.ReservedWord,
                $"`{token.Text}` is a reserved word and cannot be used as a name; pick another name after `{after}`"),
            _ => LexicalProblem<Token>(input)
                ?? Fail<Token>(input, SyntaxCodes.UnexpectedToken, $"expected a name after `{after}`, found {token.Describe()}"),
        };
    };

    private static Parser<Token> EqualsAfter(string what) =>
        Kind(TokenKind.Equals, "`=`").XOr(Expected<Token>(SyntaxCodes.MissingEquals, t => $"expected `=` after `{what}`, found {t.Describe()}"));

    private static Parser<SpecValue> ValueAfter(string what) =>
        ValueGrammar.Value.Otherwise(t => $"expected a value after `{what}`, found {t.Describe()}");

    public static readonly Parser<Statement> Seed =
        from start in Mark
        from keyword in Keyword("seed")
        from seed in Kind(TokenKind.Number, "an integer")
            .Where(t => long.TryParse(t.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            .Otherwise(t => $"expected a whole number after `seed`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (Statement)new SeedStatement(long.Parse(seed.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), span);

    public static readonly Parser<Statement> Param =
        from start in Mark
        from keyword in Keyword("param")
        from name in DeclaredName("param")
        from assign in EqualsAfter($"param {name.Text}")
        from value in ValueAfter("=")
        from span in SpanFrom(start)
        select (Statement)new ParamStatement(name.Text, value, span);

    private static readonly Parser<Token> Category =
        Keyword("data").XOr(Keyword("model")).XOr(Keyword("eval")).XOr(Keyword("audit")).XOr(Keyword("report"));

    /// <summary>A step kind, possibly dotted (<c>generate.sentiment</c>); kinds may share a keyword's spelling (<c>audit</c>).</summary>
    private static readonly Parser<(string Kind, SourceSpan Span)> StepKind =
        (from first in AnyWord
         from rest in Kind(TokenKind.Dot, "`.`")
            .Then(_ => AnyWord.Otherwise(t => $"expected a name after `.`, found {t.Describe()}"))
            .XMany()
         select string.Join(".", rest.Prepend(first).Select(t => t.Text)))
        .Spanned((kind, span) => (kind, span));

    public static readonly Parser<Statement> Declaration =
        from start in Mark
        from category in Category
        from name in DeclaredName(category.Text)
        from assign in EqualsAfter($"{category.Text} {name.Text}")
        from kind in StepKind.Otherwise(t => $"expected a step kind such as `split(...)` after `=`, found {t.Describe()}")
        from args in ValueGrammar.Arguments.Otherwise(t => $"expected `(` after step kind `{kind.Kind}`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (Statement)new StepDeclaration(
            category.Text, name.Text, kind.Kind, args, span, start.Stream.SpanOf(name), kind.Span);

    private static readonly Parser<ReferenceValue> Reference =
        from start in Mark
        from name in Kind(TokenKind.Identifier, "a reference")
        from member in Kind(TokenKind.Dot, "`.`")
            .Then(_ => AnyWord.Otherwise(t => $"expected a name after `.`, found {t.Describe()}"))
            .Maybe()
        from span in SpanFrom(start)
        select new ReferenceValue(name.Text, member?.Text, span);

    /// <summary>
    /// One of the six operators. Any other run of <c>&lt; &gt; = !</c> (<c>=&gt;</c>, <c>=</c>,
    /// <c>=&lt;</c>) is a wrong operator, not a missing one.
    /// </summary>
    private static readonly Parser<Token> ComparisonOperator = i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        if (token.Kind == TokenKind.Operator && ComparisonOperators.Contains(token.Text))
        {
            return Result.Success(token, input.Advance());
        }
        if (token.Kind is TokenKind.Operator or TokenKind.Equals)
        {
            return Fail<Token>(input, SyntaxCodes.InvalidGateOperator,
                $"invalid gate operator `{token.Text}`; expected one of `>=` `>` `<=` `<` `==` `!=`");
        }
        return Result.Failure<Token>(i, string.Empty, ["a comparison operator"]);
    };

    private static readonly Parser<GateCondition> Comparison =
        from start in Mark
        from op in ComparisonOperator
        from threshold in ValueAfter(op.Text)
        from span in SpanFrom(start)
        select (GateCondition)new ComparisonCondition(op.Text, threshold, span);

    private static readonly Parser<GateCondition> NoRegression =
        from start in Mark
        from name in Kind(TokenKind.Identifier, "`no_regression`").Where(t => t.Text == "no_regression")
        from args in ValueGrammar.Arguments.Otherwise(t => $"expected `(` after `no_regression`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (GateCondition)new NoRegressionCondition(args, span);

    private static Parser<GateCondition> BadCondition(ReferenceValue target) =>
        Expected<GateCondition>(
            SyntaxCodes.InvalidGateOperator,
            t => $"expected a comparison (`>=` `>` `<=` `<` `==` `!=`) or `no_regression(...)` after `gate {target.Path}`, found {t.Describe()}.",
            t => t.Kind == TokenKind.Identifier ? Suggestions.DidYouMean(t.Text, ["no_regression"]) : null);

    public static readonly Parser<Statement> Gate =
        from start in Mark
        from keyword in Keyword("gate")
        from target in Reference.Otherwise(t => $"expected a reference such as `scores.accuracy` after `gate`, found {t.Describe()}")
        from condition in Comparison.XOr(NoRegression).XOr(BadCondition(target))
        from span in SpanFrom(start)
        select (Statement)new GateStatement(target, condition, span);

    public static readonly Parser<Statement> Import =
        from start in Mark
        from keyword in Keyword("import")
        from path in Kind(TokenKind.String, "a quoted path")
            .Otherwise(t => $"expected a quoted path such as \"common.exp\" after `import`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (Statement)new ImportStatement(path.Value, span);

    private static readonly Parser<CallValue> Sampler =
        from start in Mark
        from name in Kind(TokenKind.Identifier, "a sampler")
        from args in ValueGrammar.Arguments.Otherwise(t => $"expected `(` after sampler `{name.Text}`, found {t.Describe()}")
        from span in SpanFrom(start)
        select new CallValue(name.Text, args, span);

    public static readonly Parser<Statement> SweepSampling =
        from start in Mark
        from keyword in Keyword("sweep")
        from sampler in Sampler.Otherwise(t => $"expected a sampler such as `random(8)` after `sweep`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (Statement)new SweepSamplingStatement(sampler, span);

    /// <summary><c>executor NAME</c> or <c>executor NAME(args)</c>; the name and args are checked when the spec is assembled.</summary>
    public static readonly Parser<Statement> Executor =
        from start in Mark
        from keyword in Keyword("executor")
        from value in ValueGrammar.NameOrCall
            .Where(v => v is CallValue || v is ReferenceValue { Member: null })
            .Otherwise(t => $"expected an executor such as `local` or `slurm(partition: \"gpu\")` after `executor`, found {t.Describe()}")
        from span in SpanFrom(start)
        select (Statement)new ExecutorStatement(
            value as CallValue ?? new CallValue(((ReferenceValue)value).Name, EquatableArray<Argument>.Empty, value.Span), span);

    /// <summary>
    /// A word where a statement should start. At the start of a line (or right after `{`) it is most likely a misspelt
    /// keyword (EXP1004 with a suggestion); later on a line it is junk after the previous statement.
    /// </summary>
    private static readonly Parser<Statement> UnknownStatement = i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        if (token.Kind != TokenKind.Identifier)
        {
            return Result.Failure<Statement>(i, string.Empty, ["a statement"]);
        }
        bool startsStatement = token.AtLineStart || input.Position == 0
            || input.Stream.TokenAt(input.Position - 1).Kind == TokenKind.LeftBrace;
        if (!startsStatement)
        {
            return Fail<Statement>(input, SyntaxCodes.UnexpectedToken,
                $"unexpected {token.Describe()} after the end of the statement; expected a new statement on its own line");
        }
        return Fail<Statement>(input, SyntaxCodes.UnknownStatement,
            $"unknown statement `{token.Text}`; expected one of {string.Join(", ", Keywords.Statements)}.",
            Suggestions.DidYouMean(token.Text, Keywords.Statements));
    };

    public static readonly Parser<Statement> Statement =
        Seed
            .XOr(Param)
            .XOr(Declaration)
            .XOr(Gate)
            .XOr(Import)
            .XOr(SweepSampling)
            .XOr(Executor)
            .XOr(UnknownStatement)
            .Named("a statement");
}
