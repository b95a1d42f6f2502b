using System.Globalization;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Sprache;

namespace Experiments.Dsl;

/// <summary>
/// The token-level building blocks the grammar classes combine: match a token kind or keyword,
/// read positions, and fail with a precise diagnostic.
/// </summary>
internal static class TokenParsers
{
    /// <summary>Prefix of a failure message that refers to a diagnostic in <see cref="TokenStream.Raised"/>.</summary>
    public const string RaisedPrefix = "\u0001raised:";

    /// <summary>Values nested deeper than this are rejected rather than risk the stack.</summary>
    public const int MaxDepth = 32;

    /// <summary>One token of <paramref name="kind"/>; <paramref name="name"/> is the "expected ..." text.</summary>
    public static Parser<Token> Kind(TokenKind kind, string name) => i =>
    {
        var input = (TokenInput)i;
        Token token = input.Token;
        if (token.Kind == kind)
        {
            return Result.Success(token, input.Advance());
        }
        return Mismatch<Token>(input, name);
    };

    public static Parser<Token> Keyword(string keyword) => i =>
    {
        var input = (TokenInput)i;
        return input.Token.IsKeyword(keyword)
            ? Result.Success(input.Token, input.Advance())
            : Mismatch<Token>(input, $"`{keyword}`");
    };

    /// <summary>A word that is allowed where the position already makes it a name: argument names, members, kinds.</summary>
    public static readonly Parser<Token> AnyWord = i =>
    {
        var input = (TokenInput)i;
        return input.Token.Kind is TokenKind.Identifier or TokenKind.Keyword
            ? Result.Success(input.Token, input.Advance())
            : Mismatch<Token>(input, "a name");
    };

    /// <summary>The current token, without consuming it.</summary>
    public static readonly Parser<Token> Peek = i => Result.Success(((TokenInput)i).Token, i);

    /// <summary>The current input, to compute a span once the production is complete.</summary>
    public static readonly Parser<TokenInput> Mark = i => Result.Success((TokenInput)i, i);

    /// <summary>The span from <paramref name="start"/> to the last token consumed so far.</summary>
    public static Parser<SourceSpan> SpanFrom(TokenInput start) =>
        i => Result.Success(start.Stream.SpanBetween(start.Position, i.Position), i);

    /// <summary>
    /// Fails with a specific diagnostic. The failure's remainder is moved one token on so that
    /// XOr/XMany treat it as committed and do not swap it for a vaguer error elsewhere.
    /// </summary>
    public static IResult<T> Fail<T>(TokenInput at, string code, SourceSpan span, string message, string? hint = null)
    {
        TokenStream stream = at.Stream;
        stream.Raised.Add(Diagnostic.Error(code, span, message, hint));
        string reference = RaisedPrefix + (stream.Raised.Count - 1).ToString(CultureInfo.InvariantCulture);
        return Result.Failure<T>(stream.At(at.Position + 1), reference, []);
    }

    public static IResult<T> Fail<T>(TokenInput at, string code, string message, string? hint = null) =>
        Fail<T>(at, code, at.Stream.SpanOf(at.Token), message, hint);

    /// <summary>A parser that always fails with <paramref name="message"/>("found ...") at the current token.</summary>
    public static Parser<T> Expected<T>(string code, Func<Token, string> message, Func<Token, string?>? hint = null) => i =>
    {
        var input = (TokenInput)i;
        return LexicalProblem<T>(input) ?? Fail<T>(input, code, message(input.Token), hint?.Invoke(input.Token));
    };

    /// <summary>
    /// <paramref name="parser"/>, or, when it fails without consuming anything, an EXP1001 error
    /// whose message says what was expected here and what was found.
    /// </summary>
    public static Parser<T> Otherwise<T>(this Parser<T> parser, Func<Token, string> message) =>
        parser.XOr(Expected<T>(SyntaxCodes.UnexpectedToken, message));

    /// <summary>Builds a node from what <paramref name="parser"/> read and the span it covered (Sprache's Positioned, for records we do not own).</summary>
    public static Parser<TOut> Spanned<T, TOut>(this Parser<T> parser, Func<T, SourceSpan, TOut> make) => i =>
    {
        IResult<T> r = parser(i);
        if (!r.WasSuccessful)
        {
            return Result.Failure<TOut>(r.Remainder, r.Message, r.Expectations);
        }
        var start = (TokenInput)i;
        return Result.Success(make(r.Value, start.Stream.SpanBetween(start.Position, r.Remainder.Position)), r.Remainder);
    };

    /// <summary>Runs <paramref name="check"/> on a parsed value; it returns a failure or null to accept the value.</summary>
    public static Parser<T> Check<T>(this Parser<T> parser, Func<T, TokenInput, IResult<T>?> check) => i =>
    {
        IResult<T> r = parser(i);
        return r.WasSuccessful ? check(r.Value, (TokenInput)i) ?? r : r;
    };

    /// <summary>
    /// Like Sprache's XOptional: absent when <paramref name="parser"/> fails without consuming,
    /// but an error after it consumed input is passed on rather than silently dropped.
    /// </summary>
    public static Parser<T?> Maybe<T>(this Parser<T> parser) where T : class => i =>
    {
        IResult<T> r = parser(i);
        if (r.WasSuccessful)
        {
            return Result.Success<T?>(r.Value, r.Remainder);
        }
        return ReferenceEquals(r.Remainder, i) ? Result.Success<T?>(null, i) : Result.Failure<T?>(r.Remainder, r.Message, r.Expectations);
    };

    /// <summary>
    /// Recursion without <c>Parse.Ref</c>: Ref memoises per input and throws ParseException when a
    /// rule that failed is tried again at the same position, which alternatives routinely do.
    /// This also bounds the nesting depth.
    /// </summary>
    public static Parser<T> Recursive<T>(Func<Parser<T>> reference)
    {
        Parser<T>? parser = null;
        return i =>
        {
            var input = (TokenInput)i;
            TokenStream stream = input.Stream;
            if (stream.Depth >= MaxDepth)
            {
                return Fail<T>(input, SyntaxCodes.UnexpectedToken, $"values are nested more than {MaxDepth} levels deep");
            }
            // A second guard for small thread stacks: throws InsufficientExecutionStackException, which the boundary reports.
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            stream.Depth++;
            try
            {
                parser ??= reference();
                return parser(i);
            }
            finally
            {
                stream.Depth--;
            }
        };
    }

    /// <summary>If the current token is a lexer error, the failure that reports it.</summary>
    public static IResult<T>? LexicalProblem<T>(TokenInput input)
    {
        Token token = input.Token;
        if (token.Kind != TokenKind.Error || token.Problem is null)
        {
            return null;
        }
        Diagnostic problem = token.Problem;
        return Fail<T>(input, problem.Code, problem.Span, problem.Message, problem.Hint);
    }

    private static IResult<T> Mismatch<T>(TokenInput input, string expected) =>
        LexicalProblem<T>(input) ?? Result.Failure<T>(input, string.Empty, [expected]);
}
