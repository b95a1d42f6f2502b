using Sprache;
using static Experiments.Dsl.TokenParsers;

namespace Experiments.Dsl;

/// <summary>Items of a bracketed list, with the input where each item started (for errors about one item).</summary>
internal sealed record DelimitedList<T>(IReadOnlyList<T> Items, IReadOnlyList<TokenInput> Starts);

/// <summary>
/// Comma-separated lists between brackets, with a trailing comma allowed. Written as one parser
/// rather than composed from DelimitedBy because the error after an item depends on what follows:
/// a new statement keyword at the start of a line, another closer or the end of file means the
/// bracket was never closed (EXP1006, reported at the opener); anything else is a missing comma.
/// </summary>
internal static class Lists
{
    public static Parser<DelimitedList<T>> Delimited<T>(TokenKind open, Parser<T> item, string itemName, TokenKind close) => i =>
    {
        var opener = (TokenInput)i;
        if (opener.Token.Kind != open)
        {
            return LexicalProblem<DelimitedList<T>>(opener)
                ?? Result.Failure<DelimitedList<T>>(i, string.Empty, [$"`{Text(open)}`"]);
        }
        var items = new List<T>();
        var starts = new List<TokenInput>();
        var current = (TokenInput)opener.Advance();
        while (true)
        {
            if (current.Token.Kind == close)
            {
                return Result.Success(new DelimitedList<T>(items, starts), current.Advance());
            }
            if (IsUnclosed(current, close))
            {
                return Unclosed<DelimitedList<T>>(opener, current, close);
            }
            IResult<T> r = item(current);
            if (!r.WasSuccessful)
            {
                if (!ReferenceEquals(r.Remainder, current))
                {
                    return Result.Failure<DelimitedList<T>>(r.Remainder, r.Message, r.Expectations);
                }
                string after = items.Count == 0 ? $"after `{Text(open)}`" : "after `,`";
                return Fail<DelimitedList<T>>(current, SyntaxCodes.UnexpectedToken,
                    $"expected {itemName} or `{Text(close)}` {after}, found {current.Token.Describe()}");
            }
            items.Add(r.Value);
            starts.Add(current);
            current = (TokenInput)r.Remainder;
            Token next = current.Token;
            if (next.Kind == TokenKind.Comma)
            {
                current = (TokenInput)current.Advance();
            }
            else if (next.Kind != close)
            {
                if (LexicalProblem<DelimitedList<T>>(current) is { } lexical)
                {
                    return lexical;
                }
                if (IsUnclosed(current, close))
                {
                    return Unclosed<DelimitedList<T>>(opener, current, close);
                }
                return Fail<DelimitedList<T>>(current, SyntaxCodes.UnexpectedToken,
                    $"expected `,` or `{Text(close)}` after {itemName}, found {next.Describe()}");
            }
        }
    };

    public static string Text(TokenKind kind) => kind switch
    {
        TokenKind.LeftParen => "(",
        TokenKind.RightParen => ")",
        TokenKind.LeftBracket => "[",
        TokenKind.RightBracket => "]",
        TokenKind.LeftBrace => "{",
        TokenKind.RightBrace => "}",
        _ => kind.ToString(),
    };

    /// <summary>The open bracket must have been forgotten: we ran into something that cannot be inside it.</summary>
    private static bool IsUnclosed(TokenInput current, TokenKind close)
    {
        Token token = current.Token;
        if (token.Kind == TokenKind.End)
        {
            return true;
        }
        if (token.Kind is TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace && token.Kind != close)
        {
            return true;
        }
        // `name:` is an argument even when the name is a keyword (`seed: 3`).
        return token.AtLineStart
            && (Keywords.IsStatementKeyword(token) || token.IsKeyword("experiment"))
            && current.Next.Kind != TokenKind.Colon;
    }

    private static IResult<TOut> Unclosed<TOut>(TokenInput opener, TokenInput found, TokenKind close)
    {
        Token open = opener.Token;
        string where = found.Token.Kind == TokenKind.End
            ? "the end of the file"
            : $"{found.Token.Describe()} at {found.Token.Line}:{found.Token.Column}";
        return Fail<TOut>(opener, SyntaxCodes.UnclosedDelimiter,
            $"`{open.Text}` is never closed: expected `{Text(close)}` before {where}");
    }
}
