using Experiments.Engine.Spec;

namespace Experiments.Engine.Compile;

/// <summary>
/// Walks every value a step's arguments reach: list items, call arguments, sweep values and,
/// through a bare param name, the param's value (each param once). A reference to a step is
/// yielded but not followed, so callers decide what an upstream step contributes.
/// </summary>
internal static class ReachableValues
{
    public static IEnumerable<SpecValue> Of(
        StepDeclaration declaration,
        IReadOnlyDictionary<string, StepDeclaration> declarations,
        IReadOnlyDictionary<string, ParamStatement> parameters)
    {
        var seenParams = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<SpecValue>(declaration.Arguments.Select(a => a.Value));
        while (stack.Count > 0)
        {
            SpecValue value = stack.Pop();
            yield return value;
            switch (value)
            {
                case ReferenceValue r when declarations.ContainsKey(r.Name):
                    break;
                case ReferenceValue { Member: null } r when parameters.TryGetValue(r.Name, out ParamStatement? param) && seenParams.Add(r.Name):
                    stack.Push(param.Value);
                    break;
                case ListValue list:
                    PushAll(stack, list.Items);
                    break;
                case SweepValue sweep:
                    PushAll(stack, sweep.Values);
                    break;
                case CallValue call:
                    PushAll(stack, call.Arguments.Select(a => a.Value));
                    break;
            }
        }
    }

    private static void PushAll(Stack<SpecValue> stack, IEnumerable<SpecValue> values)
    {
        foreach (SpecValue value in values)
        {
            stack.Push(value);
        }
    }
}
