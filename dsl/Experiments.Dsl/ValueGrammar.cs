using System.Globalization;
using Experiments.Engine.Spec;
using Sprache;
using static Experiments.Dsl.TokenParsers;

namespace Experiments.Dsl;

/// <summary>
/// Values: numbers, strings, booleans, lists, calls, references and sweeps. Built bottom-up; the
/// first token decides the alternative, so they are joined with XOr and an error inside one
/// alternative is reported where it happened.
/// </summary>
internal static class ValueGrammar
{
    /// <summary>Any value; recursion goes through here (lists, call arguments, sweeps).</summary>
    private static readonly Parser<SpecValue> NestedValue = Recursive(() => Value!);

    public static readonly Parser<SpecValue> Number =
        Kind(TokenKind.Number, "a number").Spanned<Token, SpecValue>((token, span) =>
            new NumberValue(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture), token.Text, span));

    public static readonly Parser<SpecValue> String =
        Kind(TokenKind.String, "a string").Spanned<Token, SpecValue>((token, span) => new StringValue(token.Value, span));

    public static readonly Parser<SpecValue> Bool =
        Keyword("true").XOr(Keyword("false")).Spanned<Token, SpecValue>((token, span) => new BoolValue(token.Text == "true", span));

    public static readonly Parser<SpecValue> List =
        Lists.Delimited(TokenKind.LeftBracket, NestedValue, "a list item", TokenKind.RightBracket)
            .Spanned<DelimitedList<SpecValue>, SpecValue>((list, span) => new ListValue(list.Items.ToEquatableArray(), span));

    /// <summary><c>name: value</c>. Any word may name an argument: the colon already says it is one.</summary>
    private static readonly Parser<Token> ArgumentName = i =>
    {
        var input = (TokenInput)i;
        return input.Token.Kind is TokenKind.Identifier or TokenKind.Keyword && input.Next.Kind == TokenKind.Colon
            ? Result.Success(input.Token, input.Advance().Advance())
            : Result.Failure<Token>(i, string.Empty, ["an argument name"]);
    };

    private static readonly Parser<Argument> NamedArgument =
        (from name in ArgumentName
         from value in NestedValue.Otherwise(t => $"expected a value after `{name.Text}:`, found {t.Describe()}")
         select (name.Text, value))
        .Spanned((pair, span) => new Argument(pair.Text, pair.value, span));

    private static readonly Parser<Argument> Argument =
        NamedArgument.XOr(NestedValue.Select(value => new Argument(null, value, value.Span)));

    /// <summary><c>(positional..., name: value...)</c>, checked for order and duplicate names.</summary>
    public static readonly Parser<EquatableArray<Argument>> Arguments =
        Lists.Delimited(TokenKind.LeftParen, Argument, "argument", TokenKind.RightParen)
            .Check(CheckArguments)
            .Select(list => list.Items.ToEquatableArray());

    /// <summary><c>(...)</c> that may be absent; a class so that <see cref="TokenParsers.Maybe{T}"/> can say "absent".</summary>
    private static readonly Parser<DelimitedList<Argument>?> OptionalArguments =
        Lists.Delimited(TokenKind.LeftParen, Argument, "argument", TokenKind.RightParen).Check(CheckArguments).Maybe();

    private static readonly Parser<Token> MemberName =
        from dot in Kind(TokenKind.Dot, "`.`")
        from member in AnyWord.Otherwise(t => $"expected a name after `.`, found {t.Describe()}")
        select member;

    /// <summary>
    /// <c>name</c>, <c>name.member</c> or a call <c>a.b(args)</c>. One production, because only the
    /// token after the dotted name tells a call from a reference.
    /// </summary>
    public static readonly Parser<SpecValue> NameOrCall =
        (from start in Mark
         from first in Kind(TokenKind.Identifier, "a name")
         from members in MemberName.XMany()
         from args in OptionalArguments
         from span in SpanFrom(start)
         select (start, first, members: members.ToList(), args, span))
        .Then(parsed => (Parser<SpecValue>)(i =>
        {
            (TokenInput start, Token first, List<Token> members, DelimitedList<Argument>? args, SourceSpan span) = parsed;
            string dotted = string.Join(".", members.Prepend(first).Select(t => t.Text));
            if (args is not null)
            {
                return Result.Success<SpecValue>(new CallValue(dotted, args.Items.ToEquatableArray(), span), i);
            }
            if (members.Count > 1)
            {
                TokenInput third = start.Stream.At(start.Position + 4);
                return Fail<SpecValue>(third, SyntaxCodes.UnexpectedToken,
                    $"a reference is `name` or `name.output`, but `{dotted}` has more parts; expected `(` to make it a call");
            }
            return Result.Success<SpecValue>(new ReferenceValue(first.Text, members.FirstOrDefault()?.Text, span), i);
        }));

    private static readonly Parser<SpecValue> KeywordCall =
        from start in Mark
        from name in Kind(TokenKind.Keyword, "a name")
        from args in Arguments
        from span in SpanFrom(start)
        select (SpecValue)new CallValue(name.Text, args, span);

    /// <summary>A keyword where a value belongs: allowed as a call name (<c>audit(...)</c>), otherwise reserved.</summary>
    private static readonly Parser<SpecValue> KeywordValue = i =>
    {
        var input = (TokenInput)i;
        if (input.Token.Kind != TokenKind.Keyword)
        {
            return Result.Failure<SpecValue>(i, string.Empty, ["a value"]);
        }
        if (input.Next.Kind == TokenKind.LeftParen)
        {
            return KeywordCall(i);
        }
        return Fail<SpecValue>(input, SyntaxCodes.ReservedWord,
            $"`{input.Token.Text}` is a reserved word and cannot be used as a value");
    };

    /// <summary><c>sweep[a, b]</c> or <c>sweep.group[a, b]</c>: at least one value, and no sweep inside.</summary>
    public static readonly Parser<SpecValue> Sweep =
        (from start in Mark
         from keyword in Keyword("sweep")
         from groupName in MemberName.Maybe()
         from list in Lists.Delimited(TokenKind.LeftBracket, NestedValue, "a sweep value", TokenKind.RightBracket)
            .Otherwise(t => $"expected `[` after `{(groupName is null ? "sweep" : "sweep." + groupName.Text)}`, found {t.Describe()}")
         from span in SpanFrom(start)
         select (start, groupName, list, span))
        .Then(parsed => (Parser<SpecValue>)(i =>
        {
            (TokenInput start, Token? groupName, DelimitedList<SpecValue> list, SourceSpan span) = parsed;
            if (list.Items.Count == 0)
            {
                return Fail<SpecValue>(start, SyntaxCodes.EmptySweep, span, "a sweep needs at least one value: `sweep[]` is empty");
            }
            for (int k = 0; k < list.Items.Count; k++)
            {
                if (FindSweep(list.Items[k]) is { } nested)
                {
                    return Fail<SpecValue>(list.Starts[k], SyntaxCodes.NestedSweep, nested.Span,
                        "a sweep cannot contain another sweep; sweep the outer value, or give both the same group (`sweep.g[...]`) to vary them together");
                }
            }
            return Result.Success<SpecValue>(new SweepValue(groupName?.Text, list.Items.ToEquatableArray(), span), i);
        }));

    public static readonly Parser<SpecValue> Value =
        Number
            .XOr(String)
            .XOr(Bool)
            .XOr(Sweep)
            .XOr(List)
            .XOr(NameOrCall)
            .XOr(KeywordValue)
            .Named("a value");

    /// <summary>
    /// A command-line override: one value, or a bare comma list (<c>1e-4,3e-4</c>) meaning a sweep.
    /// </summary>
    public static readonly Parser<SpecValue> Override =
        (from start in Mark
         from first in Value
         from rest in Kind(TokenKind.Comma, "`,`")
            .Then(_ => Value.Otherwise(t => $"expected a value after `,`, found {t.Describe()}"))
            .XMany()
         from span in SpanFrom(start)
         select (start, items: rest.Prepend(first).ToList(), span))
        .Then(parsed => (Parser<SpecValue>)(i =>
        {
            (TokenInput start, List<SpecValue> items, SourceSpan span) = parsed;
            if (items.Count == 1)
            {
                return Result.Success(items[0], i);
            }
            if (items.FirstOrDefault(item => FindSweep(item) is not null) is { } inner)
            {
                return Fail<SpecValue>(start, SyntaxCodes.NestedSweep, FindSweep(inner)!.Span,
                    "a comma list is already a sweep, so it cannot contain another sweep");
            }
            return Result.Success<SpecValue>(new SweepValue(null, items.ToEquatableArray(), span), i);
        }));

    /// <summary>The first sweep at or inside <paramref name="value"/>, if any.</summary>
    private static SweepValue? FindSweep(SpecValue value) => value switch
    {
        SweepValue sweep => sweep,
        ListValue list => list.Items.Select(FindSweep).FirstOrDefault(found => found is not null),
        CallValue call => call.Arguments.Select(a => FindSweep(a.Value)).FirstOrDefault(found => found is not null),
        _ => null,
    };

    private static IResult<DelimitedList<Argument>>? CheckArguments(DelimitedList<Argument> list, TokenInput at)
    {
        string? firstNamed = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < list.Items.Count; k++)
        {
            Argument argument = list.Items[k];
            if (argument.Name is null)
            {
                if (firstNamed is not null)
                {
                    return Fail<DelimitedList<Argument>>(list.Starts[k], SyntaxCodes.PositionalAfterNamed, argument.Span,
                        $"positional argument after named argument `{firstNamed}`; put positional arguments first");
                }
                continue;
            }
            firstNamed ??= argument.Name;
            if (!seen.Add(argument.Name))
            {
                return Fail<DelimitedList<Argument>>(list.Starts[k], SyntaxCodes.DuplicateArgument,
                    argument.Span with { Length = argument.Name.Length },
                    $"argument `{argument.Name}` is given twice in the same call");
            }
        }
        return null;
    }
}
