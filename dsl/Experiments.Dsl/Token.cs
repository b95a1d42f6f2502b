using Experiments.Engine.Diagnostics;

namespace Experiments.Dsl;

internal enum TokenKind
{
    Identifier,
    Keyword,
    Number,
    String,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Comma,
    Colon,
    Dot,
    Equals,

    /// <summary>A run of <c>&lt; &gt; = !</c> other than a lone <c>=</c>; the gate grammar checks which ones are valid.</summary>
    Operator,

    /// <summary>Text the lexer could not read; it carries its own diagnostic.</summary>
    Error,
    End,
}

/// <summary>
/// One token with its position. <see cref="Value"/> is the decoded content of a string literal
/// (otherwise the text). <see cref="AtLineStart"/> lets list parsing notice that a new statement
/// began where a closing bracket was missing.
/// </summary>
internal sealed record Token(TokenKind Kind, string Text, string Value, int Offset, int Line, int Column, bool AtLineStart)
{
    /// <summary>For <see cref="TokenKind.Error"/> tokens: what is wrong, reported when the grammar reaches it.</summary>
    public Diagnostic? Problem { get; init; }

    public int Length => Text.Length;

    public int EndOffset => Offset + Text.Length;

    public bool IsKeyword(string keyword) => Kind == TokenKind.Keyword && Text == keyword;

    /// <summary>How the token reads in a message: <c>`x`</c> or "end of file".</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.String => Shorten(Text),
        _ => $"`{Shorten(Text)}`",
    };

    private static string Shorten(string text)
    {
        string flat = new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return flat.Length <= 30 ? flat : flat[..27] + "...";
    }
}
