using System.Globalization;
using System.Text;
using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;

namespace Experiments.Dsl;

/// <summary>
/// Turns source text into tokens, skipping whitespace and comments (<c>#</c> and <c>//</c> to end
/// of line). Hand-written so that lexical mistakes (unterminated strings, bad numbers, bad escapes)
/// get their own codes and exact columns; it never stops early: a bad spot becomes an
/// <see cref="TokenKind.Error"/> token that the grammar reports when it reaches it, so the
/// diagnostic that comes first in the file wins.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly string _path;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private int _lastTokenLine;

    private Lexer(string text, string path)
    {
        _text = text;
        _path = path;
    }

    public static IReadOnlyList<Token> Tokenize(string text, string path)
    {
        var lexer = new Lexer(text, path);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (true)
        {
            SkipTrivia();
            if (_pos >= _text.Length)
            {
                _tokens.Add(new Token(TokenKind.End, string.Empty, string.Empty, _pos, _line, _pos - _lineStart + 1, true));
                return;
            }
            char c = _text[_pos];
            if (IsIdentStart(c))
            {
                ReadWord();
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '.' && Peek(1) is char d && char.IsAsciiDigit(d)))
            {
                ReadNumber();
            }
            else if (c == '"')
            {
                ReadString();
            }
            else if (c is '<' or '>' or '=' or '!')
            {
                int start = _pos;
                while (_pos < _text.Length && _text[_pos] is '<' or '>' or '=' or '!')
                {
                    _pos++;
                }
                string op = _text[start.._pos];
                Add(op == "=" ? TokenKind.Equals : TokenKind.Operator, start);
            }
            else
            {
                TokenKind? kind = c switch
                {
                    '(' => TokenKind.LeftParen,
                    ')' => TokenKind.RightParen,
                    '[' => TokenKind.LeftBracket,
                    ']' => TokenKind.RightBracket,
                    '{' => TokenKind.LeftBrace,
                    '}' => TokenKind.RightBrace,
                    ',' => TokenKind.Comma,
                    ':' => TokenKind.Colon,
                    '.' => TokenKind.Dot,
                    _ => null,
                };
                int start = _pos;
                // A surrogate pair is one character to the reader; don't split it in the message.
                _pos += char.IsHighSurrogate(c) && Peek(1) is char low && char.IsLowSurrogate(low) ? 2 : 1;
                if (kind is TokenKind k)
                {
                    Add(k, start);
                }
                else
                {
                    AddError(start, SyntaxCodes.UnexpectedToken, $"unexpected character `{Printable(_text[start.._pos])}`");
                }
            }
        }
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private void ReadWord()
    {
        int start = _pos;
        while (_pos < _text.Length && IsIdentPart(_text[_pos]))
        {
            _pos++;
        }
        string word = _text[start.._pos];
        Add(Keywords.All.Contains(word) ? TokenKind.Keyword : TokenKind.Identifier, start);
    }

    /// <summary>
    /// <c>-?digits(.digits)?([eE][+-]?digits)?</c>. Anything glued on (<c>1e</c>, <c>1.</c>,
    /// <c>.5</c>, <c>3x</c>) makes the whole run one invalid number rather than two confusing tokens.
    /// </summary>
    private void ReadNumber()
    {
        int start = _pos;
        string? problem = null;
        if (_text[_pos] == '-')
        {
            _pos++;
        }
        bool leadingDot = _text[_pos] == '.';
        SkipDigits();
        if (Peek(0) == '.')
        {
            _pos++;
            if (SkipDigits() == 0)
            {
                problem ??= "expected digits after the decimal point";
            }
        }
        if (Peek(0) is 'e' or 'E')
        {
            _pos++;
            if (Peek(0) is '+' or '-')
            {
                _pos++;
            }
            if (SkipDigits() == 0)
            {
                problem ??= "expected digits in the exponent";
            }
        }
        if (_pos < _text.Length && (IsIdentPart(_text[_pos]) || _text[_pos] == '.'))
        {
            problem ??= "unexpected characters after the number";
        }
        while (_pos < _text.Length && (IsIdentPart(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }
        string text = _text[start.._pos];
        if (leadingDot)
        {
            string fixedText = text.StartsWith('-') ? "-0" + text[1..] : "0" + text;
            problem = $"a number must start with a digit; write `{Printable(fixedText)}`";
        }
        if (problem is null
            && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)))
        {
            problem = "the number is out of range";
        }
        if (problem is null)
        {
            Add(TokenKind.Number, start);
        }
        else
        {
            AddError(start, SyntaxCodes.InvalidNumber, $"invalid number `{Printable(text)}`: {problem}");
        }
    }

    private int SkipDigits()
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        return _pos - start;
    }

    /// <summary>Strings end on their own line: a missing quote then costs one line, not the rest of the file.</summary>
    private void ReadString()
    {
        int start = _pos;
        var value = new StringBuilder();
        (int Offset, string Message)? badEscape = null;
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                AddError(start, SyntaxCodes.UnterminatedString, "unterminated string: expected a closing `\"` before the end of the line", atOffset: start);
                return;
            }
            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                break;
            }
            if (c == '\\')
            {
                char? next = Peek(1);
                char? decoded = next switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    't' => '\t',
                    _ => null,
                };
                if (decoded is char ch)
                {
                    value.Append(ch);
                    _pos += 2;
                    continue;
                }
                if (next is null or '\n' or '\r')
                {
                    _pos++;
                    continue;
                }
                badEscape ??= (_pos, $"invalid escape `\\{Printable(next.Value.ToString())}` in string; use \\\" \\\\ \\n or \\t");
                _pos += 2;
                continue;
            }
            value.Append(c);
            _pos++;
        }
        if (badEscape is { } bad)
        {
            AddError(start, SyntaxCodes.InvalidEscape, bad.Message, atOffset: bad.Offset, length: 2);
            return;
        }
        _tokens.Add(NewToken(TokenKind.String, start) with { Value = value.ToString() });
    }

    private void Add(TokenKind kind, int start) => _tokens.Add(NewToken(kind, start));

    private Token NewToken(TokenKind kind, int start)
    {
        string text = _text[start.._pos];
        int column = start - _lineStart + 1;
        // Multi-line tokens cannot happen (strings stop at the line end), so the line is the current one.
        bool atLineStart = _tokens.Count == 0 || _lastTokenLine != _line;
        _lastTokenLine = _line;
        return new Token(kind, text, text, start, _line, column, atLineStart);
    }

    private void AddError(int start, string code, string message, int? atOffset = null, int? length = null)
    {
        Token token = NewToken(TokenKind.Error, start);
        int offset = atOffset ?? start;
        var span = new SourceSpan(_path, _line, offset - _lineStart + 1, length ?? (_pos - offset));
        _tokens.Add(token with { Problem = Diagnostic.Error(code, span, message) });
    }

    private char? Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : null;

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Printable(string text) =>
        new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
