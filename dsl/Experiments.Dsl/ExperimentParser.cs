using Experiments.Engine.Diagnostics;
using Experiments.Engine.Spec;
using Sprache;

namespace Experiments.Dsl;

/// <summary>
/// The entry point: text in, document and diagnostics out. Never throws for user input; every
/// failure becomes an EXP1xxx diagnostic at the offending token.
/// </summary>
public static class ExperimentParser
{
    public static ParseResult Parse(string text, string path)
    {
        path ??= string.Empty;
        TokenStream stream = new(Lexer.Tokenize(text ?? string.Empty, path), path);
        IResult<DocumentGrammar.Body> result = Run(DocumentGrammar.Document, stream, out Diagnostic? crash);
        if (crash is not null)
        {
            return new ParseResult(null, [crash]);
        }
        if (!result.WasSuccessful)
        {
            return new ParseResult(null, [ToDiagnostic(result, stream)]);
        }
        DocumentGrammar.Body body = result.Value;
        SourceSpan nameSpan = body.Name is null ? new SourceSpan(path, 0, 0) : stream.SpanOf(body.Name);
        var document = new ExperimentDocument(path, body.Name?.Text, nameSpan, body.Statements.ToEquatableArray());
        return new ParseResult(document, []);
    }

    /// <summary>
    /// One value for a command-line override (<c>-p name=value</c>): the file's value grammar, plus a
    /// bare comma list meaning an unnamed sweep. A bare word is a reference, as in a file.
    /// </summary>
    public static (SpecValue? Value, IReadOnlyList<Diagnostic> Diagnostics) ParseValue(string text, string sourceName)
    {
        sourceName ??= string.Empty;
        TokenStream stream = new(Lexer.Tokenize(text ?? string.Empty, sourceName), sourceName);
        IResult<SpecValue> result = Run(OverrideValue, stream, out Diagnostic? crash);
        if (crash is not null)
        {
            return (null, [crash]);
        }
        return result.WasSuccessful ? (result.Value, []) : (null, [ToDiagnostic(result, stream)]);
    }

    private static readonly Parser<SpecValue> OverrideValue =
        from value in ValueGrammar.Override
        from end in (Parser<Token>)(i =>
        {
            var input = (TokenInput)i;
            return input.AtEnd
                ? Result.Success(input.Token, input)
                : TokenParsers.LexicalProblem<Token>(input) ?? TokenParsers.Fail<Token>(input, SyntaxCodes.UnexpectedToken,
                    $"expected `,` or the end of the value, found {input.Token.Describe()}");
        })
        select value;

    /// <summary>
    /// Runs a grammar at the boundary. ParseException (Sprache's own) and running out of stack on
    /// absurd nesting are user-input problems, so they become diagnostics too.
    /// </summary>
    private static IResult<T> Run<T>(Parser<T> parser, TokenStream stream, out Diagnostic? crash)
    {
        crash = null;
        try
        {
            return parser(stream.Start);
        }
        catch (Exception ex) when (ex is ParseException or InsufficientExecutionStackException)
        {
            crash = Diagnostic.Error(SyntaxCodes.UnexpectedToken, new SourceSpan(stream.Path, 1, 1), $"could not parse the file: {ex.Message}");
            return Result.Failure<T>(stream.Start, ex.Message, []);
        }
    }

    /// <summary>A failure as a diagnostic: the one a rule raised, or "expected X, found Y" at the token where parsing stopped.</summary>
    private static Diagnostic ToDiagnostic<T>(IResult<T> failure, TokenStream stream)
    {
        string message = failure.Message ?? string.Empty;
        if (message.StartsWith(TokenParsers.RaisedPrefix, StringComparison.Ordinal)
            && int.TryParse(message.AsSpan(TokenParsers.RaisedPrefix.Length), out int index)
            && index >= 0 && index < stream.Raised.Count)
        {
            return stream.Raised[index];
        }
        var at = failure.Remainder as TokenInput ?? stream.Start;
        if (at.Token.Problem is { } lexical)
        {
            return lexical;
        }
        string[] expected = failure.Expectations.Distinct().ToArray();
        string what = expected.Length switch
        {
            0 => "something else",
            1 => expected[0],
            _ => string.Join(", ", expected[..^1]) + " or " + expected[^1],
        };
        return Diagnostic.Error(SyntaxCodes.UnexpectedToken, stream.SpanOf(at.Token), $"expected {what}, found {at.Token.Describe()}");
    }
}
