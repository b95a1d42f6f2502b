using Experiments.Engine.Diagnostics;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>
/// Checks a resolved value (no sweeps, no param references left) against a parameter's type and
/// range, and turns it into its canonical form. Every mismatch is a diagnostic at the value.
/// </summary>
internal static class ValueChecker
{
    public static CanonicalValue? Check(SpecValue value, ParamSpec spec, string owner, DiagnosticBag diagnostics)
    {
        CanonicalValue? result = CheckType(value, spec.Type, spec.Name, owner, diagnostics);
        if (result is NumberCanonical number && (number.Value < spec.Min || number.Value > spec.Max))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, value.Span,
                $"{owner} param `{spec.Name}` must be {DescribeRange(spec)}, found {CanonicalValue.FormatNumber(number.Value)}.");
            return null;
        }
        return result;
    }

    private static CanonicalValue? CheckType(SpecValue value, ParamType type, string name, string owner, DiagnosticBag diagnostics)
    {
        switch (type)
        {
            case PrimitiveType { Name: "int" }:
                if (value is NumberValue { Value: var i } && i == Math.Floor(i) && !double.IsInfinity(i))
                {
                    return CanonicalValue.Number(i);
                }
                break;
            case PrimitiveType { Name: "float" }:
                if (value is NumberValue n)
                {
                    return CanonicalValue.Number(n.Value);
                }
                break;
            case PrimitiveType { Name: "string" }:
                if (value is StringValue s)
                {
                    return CanonicalValue.String(s.Value);
                }
                if (value is ReferenceValue { Member: null } word)
                {
                    diagnostics.Error(DiagnosticCodes.TypeMismatch, value.Span,
                        $"{owner} param `{name}` expects a string; `{word.Name}` is not a param or step here.",
                        $"Write \"{word.Name}\" for the text.");
                    return null;
                }
                break;
            case PrimitiveType { Name: "path" }:
                if (value is StringValue p)
                {
                    return CanonicalValue.String(p.Value.Replace('\\', '/'));
                }
                break;
            case PrimitiveType { Name: "bool" }:
                if (value is BoolValue b)
                {
                    return CanonicalValue.Bool(b.Value);
                }
                break;
            case ChoiceType choice:
                string? chosen = value switch
                {
                    StringValue sv => sv.Value,
                    ReferenceValue { Member: null } rv => rv.Name,
                    _ => null,
                };
                if (chosen is not null)
                {
                    if (choice.Options.Contains(chosen))
                    {
                        return CanonicalValue.String(chosen);
                    }
                    diagnostics.Error(DiagnosticCodes.OutOfRange, value.Span,
                        $"{owner} param `{name}` must be one of {string.Join(", ", choice.Options)}; found `{chosen}`.",
                        Suggestions.DidYouMean(chosen, choice.Options));
                    return null;
                }
                break;
            case ListType list:
                if (value is ListValue items)
                {
                    var checkedItems = new List<CanonicalValue>();
                    bool ok = true;
                    foreach (SpecValue item in items.Items)
                    {
                        CanonicalValue? c = CheckType(item, list.Element, name, owner, diagnostics);
                        ok &= c is not null;
                        if (c is not null)
                        {
                            checkedItems.Add(c);
                        }
                    }
                    return ok ? CanonicalValue.List(checkedItems) : null;
                }
                break;
            case CallType call:
                return CheckCall(value, call, name, owner, diagnostics);
        }
        diagnostics.Error(DiagnosticCodes.TypeMismatch, value.Span,
            $"{owner} param `{name}` expects {Article(type)}, found {Describe(value)}.");
        return null;
    }

    private static CanonicalValue? CheckCall(SpecValue value, CallType type, string name, string owner, DiagnosticBag diagnostics)
    {
        // A bare name stands for a call without arguments: `method: full` is `method: full()`.
        CallValue? call = value switch
        {
            CallValue c => c,
            ReferenceValue { Member: null } r => new CallValue(r.Name, EquatableArray<Argument>.Empty, r.Span),
            _ => null,
        };
        if (call is null)
        {
            diagnostics.Error(DiagnosticCodes.TypeMismatch, value.Span,
                $"{owner} param `{name}` expects {Article(type)}, found {Describe(value)}.");
            return null;
        }
        CallSchema? schema = type.Options.FirstOrDefault(o => o.Name == call.Name);
        if (schema is null)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, call.Span,
                $"{owner} param `{name}` must be one of {type.Describe()}; found `{call.Name}`.",
                Suggestions.DidYouMean(call.Name, type.Options.Select(o => o.Name)));
            return null;
        }
        string callOwner = $"{call.Name}(...)";
        var args = new Dictionary<string, CanonicalValue>(StringComparer.Ordinal);
        bool ok = true;
        foreach (Argument argument in call.Arguments)
        {
            if (argument.Name is null)
            {
                diagnostics.Error(DiagnosticCodes.BadArguments, argument.Span,
                    $"arguments of `{call.Name}` must be named, e.g. `{call.Name}({schema.Params.FirstOrDefault()?.Name ?? "name"}: ...)`.");
                ok = false;
                continue;
            }
            ParamSpec? spec = schema.Params.FirstOrDefault(p => p.Name == argument.Name);
            if (spec is null)
            {
                diagnostics.Error(DiagnosticCodes.UnknownParameter, argument.Span,
                    $"`{call.Name}` has no parameter `{argument.Name}`.",
                    Suggestions.DidYouMean(argument.Name, schema.Params.Select(p => p.Name)));
                ok = false;
                continue;
            }
            if (args.ContainsKey(argument.Name))
            {
                diagnostics.Error(DiagnosticCodes.BadArguments, argument.Span, $"`{argument.Name}` is given twice.");
                ok = false;
                continue;
            }
            CanonicalValue? checkedValue = Check(argument.Value, spec, callOwner, diagnostics);
            ok &= checkedValue is not null;
            if (checkedValue is not null)
            {
                args[argument.Name] = checkedValue;
            }
        }
        foreach (ParamSpec spec in schema.Params.Where(p => !args.ContainsKey(p.Name)))
        {
            if (spec.Default is null)
            {
                diagnostics.Error(DiagnosticCodes.MissingParameter, call.Span,
                    $"`{call.Name}` needs parameter `{spec.Name}` ({spec.Type.Describe()}): {spec.Doc}");
                ok = false;
            }
            else
            {
                args[spec.Name] = spec.Default;
            }
        }
        return ok ? CanonicalValue.Call(call.Name, args) : null;
    }

    private static string DescribeRange(ParamSpec spec) => (spec.Min, spec.Max) switch
    {
        (double min, double max) => $"between {CanonicalValue.FormatNumber(min)} and {CanonicalValue.FormatNumber(max)}",
        (double min, null) => $"at least {CanonicalValue.FormatNumber(min)}",
        (null, double max) => $"at most {CanonicalValue.FormatNumber(max)}",
        _ => "in range",
    };

    private static string Article(ParamType type) => type switch
    {
        PrimitiveType { Name: "int" } => "an int",
        PrimitiveType p => $"a {p.Name}",
        ChoiceType c => $"one of {c.Describe()}",
        ListType l => $"a list of {l.Element.Describe()} like [a, b]",
        CallType c => c.Describe(),
        _ => type.Describe(),
    };

    /// <summary>How a value reads in a message: "number 0.5", "string \"x\"", "name `x`".</summary>
    public static string Describe(SpecValue value) => value switch
    {
        NumberValue n => $"number {n.Text}",
        StringValue s => $"string \"{s.Value}\"",
        BoolValue b => b.Value ? "`true`" : "`false`",
        ListValue => "a list",
        CallValue c => $"call `{c.Name}(...)`",
        ReferenceValue r => $"name `{r.Path}`",
        SweepValue => "a sweep",
        _ => value.GetType().Name,
    };
}
