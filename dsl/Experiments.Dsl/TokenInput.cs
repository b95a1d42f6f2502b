using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Sprache;

namespace Experiments.Dsl;

/// <summary>
/// Everything one parse shares: the tokens, the file name for spans, and the diagnostics that
/// grammar rules raise. Sprache failures carry only a message string, so a rule that knows
/// exactly what went wrong stores its <see cref="Diagnostic"/> here and puts a reference to it in
/// the failure message (see <see cref="TokenParsers.Fail{T}"/>).
/// </summary>
internal sealed class TokenStream
{
    private readonly TokenInput?[] _inputs;

    public TokenStream(IReadOnlyList<Token> tokens, string path)
    {
        Tokens = tokens;
        Path = path;
        // One slot past the end so that an error at end of file can still count as "consumed input".
        _inputs = new TokenInput?[tokens.Count + 1];
    }

    public IReadOnlyList<Token> Tokens { get; }

    public string Path { get; }

    public List<Diagnostic> Raised { get; } = [];

    /// <summary>How deeply values nest right now; bounded so hostile input cannot overflow the stack.</summary>
    public int Depth { get; set; }

    public TokenInput Start => At(0);

    /// <summary>
    /// Inputs are cached per index because Sprache compares inputs by reference to decide whether
    /// a parser consumed anything (XOr, Many): the same position must be the same object.
    /// </summary>
    public TokenInput At(int index)
    {
        index = Math.Min(index, _inputs.Length - 1);
        return _inputs[index] ??= new TokenInput(this, index);
    }

    public Token TokenAt(int index) => Tokens[Math.Min(index, Tokens.Count - 1)];

    public SourceSpan SpanOf(Token token) => new(Path, token.Line, token.Column, token.Length);

    /// <summary>From the start of token <paramref name="first"/> to the end of the token before <paramref name="end"/>.</summary>
    public SourceSpan SpanBetween(int first, int end)
    {
        Token start = TokenAt(first);
        Token last = TokenAt(Math.Max(first, end - 1));
        return new SourceSpan(Path, start.Line, start.Column, Math.Max(0, last.EndOffset - start.Offset));
    }
}

/// <summary>Sprache input over tokens instead of characters: <see cref="IInput.Position"/> is a token index.</summary>
internal sealed class TokenInput : IInput
{
    private Dictionary<object, object>? _memos;

    public TokenInput(TokenStream stream, int index)
    {
        Stream = stream;
        Position = index;
    }

    public TokenStream Stream { get; }

    public Token Token => Stream.TokenAt(Position);

    public Token Next => Stream.TokenAt(Position + 1);

    public string Source => Stream.Path;

    public char Current => Token.Text.Length > 0 ? Token.Text[0] : '\0';

    public bool AtEnd => Token.Kind == TokenKind.End;

    public int Position { get; }

    public int Line => Token.Line;

    public int Column => Token.Column;

    public IDictionary<object, object> Memos => _memos ??= [];

    public IInput Advance() => Stream.At(Position + 1);

    public bool Equals(IInput? other) => other is TokenInput t && ReferenceEquals(t.Stream, Stream) && t.Position == Position;

    public override bool Equals(object? obj) => obj is IInput other && Equals(other);

    public override int GetHashCode() => Position;

    public override string ToString() => $"{Token.Describe()} at {Line}:{Column}";
}
