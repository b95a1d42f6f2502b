using System.Globalization;
using System.Text.Json.Nodes;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Engine.Spec;
using Experiments.Engine.Util;
using Experiments.Steps.Data;

namespace Experiments.Steps.Kinds;

/// <summary>
/// <c>generate.arithmetic</c>: seeded arithmetic problems as prompt/answer rows
/// <c>{"id", "prompt", "answer", "level"}</c>. Each row's level is drawn uniformly from
/// <c>levels</c> (repeat a level to weight it). Level 1: <c>What is a + b?</c> / <c>a - b</c> (never
/// negative); 2: <c>a × b</c> / <c>a ÷ b</c> (exact); 3: <c>Solve for x: 3x + 5 = 20</c>; 4: two-step
/// word problems. Answers are integers written invariantly.
/// </summary>
public sealed class GenerateArithmeticKind : StepKind
{
    private static readonly string[] s_names =
        ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kim", "Leo", "Mia", "Noor", "Omar", "Pia"];

    private static readonly string[] s_items =
        ["apples", "pencils", "stickers", "marbles", "cookies", "books", "shells", "cards", "stamps", "coins"];

    private static readonly StepKindSchema s_schema = DataKindParams.Schema(
        "generate.arithmetic",
        "Generates seeded arithmetic problems (levels 1-4) as prompt/answer rows.",
        EquatableArray<InputSpec>.Empty,
        EquatableArray.Create(
            DataKindParams.Examples("Number of problems to generate."),
            new ParamSpec("levels", ParamType.List(ParamType.Int), "Difficulty levels to draw from, each 1-4: 1 a±b, 2 a×b a÷b, 3 linear equations, 4 word problems.")
            {
                Default = CanonicalValue.List([CanonicalValue.Number(1), CanonicalValue.Number(2), CanonicalValue.Number(3), CanonicalValue.Number(4)]),
            },
            ParamSpec.Int("max_operand", "Largest operand of level 1; the other levels scale from it (factors up to max_operand/5).", @default: 100, min: 10, max: 1_000_000)),
        EquatableArray.Create(DataKindParams.Out));

    public override StepKindSchema Schema => s_schema;

    public override Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        long examples = context.Params.GetInt("examples");
        int[] levels = ReadLevels(context.Params);
        int maxOperand = context.Params.GetInt32("max_operand");
        var rng = new SeededRandom(context.Seed);
        var perLevel = new long[5];
        var progress = new ProgressTicker(context, examples, "generating problems");

        using (JsonlWriter writer = JsonlWriter.Create(context, "out"))
        {
            for (long id = 0; id < examples; id++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int level = levels[rng.Next(levels.Length)];
                (string prompt, long answer) = level switch
                {
                    1 => LevelOne(rng, maxOperand),
                    2 => LevelTwo(rng, maxOperand),
                    3 => LevelThree(rng, maxOperand),
                    _ => LevelFour(rng, maxOperand),
                };
                writer.Write(new JsonObject
                {
                    ["id"] = id,
                    ["prompt"] = prompt,
                    ["answer"] = answer.ToString(CultureInfo.InvariantCulture),
                    ["level"] = level,
                });
                perLevel[level]++;
                progress.Tick(id + 1);
            }
        }

        context.Metric("rows", examples);
        for (int level = 1; level <= 4; level++)
        {
            context.Metric($"level_{level}", perLevel[level]);
        }
        return Task.CompletedTask;
    }

    private static int[] ReadLevels(StepParameters parameters)
    {
        IReadOnlyList<CanonicalValue> values = parameters.GetList("levels");
        if (values.Count == 0)
        {
            throw new StepFailedException("generate.arithmetic: 'levels' is empty; give at least one level from 1 to 4.");
        }
        var levels = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is not NumberCanonical { Value: 1 or 2 or 3 or 4 } number)
            {
                throw new StepFailedException($"generate.arithmetic: level {values[i].Display()} in 'levels' is not one of 1, 2, 3, 4.");
            }
            levels[i] = (int)number.Value;
        }
        return levels;
    }

    private static int Factor(int maxOperand) => Math.Max(5, maxOperand / 5);

    private static (string, long) LevelOne(SeededRandom rng, int maxOperand)
    {
        long a = rng.Next(0, maxOperand + 1);
        long b = rng.Next(0, maxOperand + 1);
        if (rng.Next(2) == 0)
        {
            return (Invariant($"What is {a} + {b}?"), a + b);
        }
        (a, b) = a >= b ? (a, b) : (b, a);
        return (Invariant($"What is {a} - {b}?"), a - b);
    }

    private static (string, long) LevelTwo(SeededRandom rng, int maxOperand)
    {
        int factor = Factor(maxOperand);
        long a = rng.Next(2, factor + 1);
        long b = rng.Next(2, factor + 1);
        if (rng.Next(2) == 0)
        {
            return (Invariant($"What is {a} × {b}?"), a * b);
        }
        return (Invariant($"What is {a * b} ÷ {b}?"), a);
    }

    private static (string, long) LevelThree(SeededRandom rng, int maxOperand)
    {
        int factor = Factor(maxOperand);
        long a = rng.Next(2, 13);
        long x = rng.Next(-factor, factor + 1);
        long b = rng.Next(1, maxOperand + 1);
        if (rng.Next(2) == 0)
        {
            return (Invariant($"Solve for x: {a}x + {b} = {a * x + b}"), x);
        }
        return (Invariant($"Solve for x: {a}x - {b} = {a * x - b}"), x);
    }

    private static (string, long) LevelFour(SeededRandom rng, int maxOperand)
    {
        string name = rng.Pick(s_names);
        string items = rng.Pick(s_items);
        long small = Math.Min(12, Factor(maxOperand));
        switch (rng.Next(4))
        {
            case 0:
            {
                long a = rng.Next(1, maxOperand + 1);
                long bags = rng.Next(2, (int)small + 1);
                long per = rng.Next(2, (int)small + 1);
                return (Invariant($"{name} has {a} {items} and buys {bags} bags of {per} {items}. How many {items} does {name} have now?"), a + bags * per);
            }
            case 1:
            {
                long friends = rng.Next(2, (int)small + 1);
                long each = rng.Next(1, (int)small + 1);
                long a = friends * each + rng.Next(0, maxOperand + 1);
                return (Invariant($"{name} has {a} {items} and gives {friends} friends {each} {items} each. How many {items} does {name} have left?"), a - friends * each);
            }
            case 2:
            {
                long boxes = rng.Next(2, 10);
                long friends = rng.Next(2, 7);
                long share = rng.Next(1, 11);
                long perBox = friends * share;
                return (Invariant($"{name} buys {boxes} boxes of {perBox} {items} and shares them equally among {friends} friends. How many {items} does each friend get?"), boxes * share);
            }
            default:
            {
                long wage = rng.Next(2, (int)small + 1);
                long days = rng.Next(2, 8);
                long spent = rng.Next(0, (int)(wage * days) + 1);
                return (Invariant($"{name} earns {wage} dollars a day for {days} days and spends {spent} dollars. How many dollars does {name} have left?"), wage * days - spent);
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
