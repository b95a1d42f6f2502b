using Experiments.Engine.Spec;

namespace Experiments.Engine.Kinds;

/// <summary>The type of a step parameter, checked before anything runs.</summary>
public abstract record ParamType
{
    public static readonly ParamType Int = new PrimitiveType("int");
    public static readonly ParamType Float = new PrimitiveType("float");
    public static readonly ParamType String = new PrimitiveType("string");
    public static readonly ParamType Bool = new PrimitiveType("bool");

    /// <summary>
    /// A user's file, relative to the experiment file. Its content digest enters the key, so editing
    /// the file reruns the step; the bytes are copied into the store so any executor can read them.
    /// </summary>
    public static readonly ParamType Path = new PrimitiveType("path");

    public static ParamType Choice(params string[] options) => new ChoiceType(options.ToEquatableArray());

    public static ParamType List(ParamType element) => new ListType(element);

    public static ParamType Call(params CallSchema[] options) => new CallType(options.ToEquatableArray());

    /// <summary>How the type reads in messages and in <c>exp kinds</c>.</summary>
    public abstract string Describe();
}

public sealed record PrimitiveType(string Name) : ParamType
{
    public override string Describe() => Name;
}

/// <summary>One of a fixed set of names; written as a string or a bare word (<c>accuracy</c>).</summary>
public sealed record ChoiceType(EquatableArray<string> Options) : ParamType
{
    public override string Describe() => string.Join("|", Options);
}

public sealed record ListType(ParamType Element) : ParamType
{
    public override string Describe() => $"list<{Element.Describe()}>";
}

/// <summary>A nested call chosen among options, e.g. <c>method: lora(rank: 8) | full()</c>.</summary>
public sealed record CallType(EquatableArray<CallSchema> Options) : ParamType
{
    public override string Describe() => string.Join("|", Options.Select(o => o.Name + "(...)"));
}

/// <summary>The schema of a nested call: its name and its own parameters.</summary>
public sealed record CallSchema(string Name, string Doc, EquatableArray<ParamSpec> Params);
