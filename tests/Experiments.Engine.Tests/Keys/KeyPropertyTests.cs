using System.Globalization;
using Experiments.Engine.Compile;
using Experiments.Engine.Keys;
using Experiments.Engine.Kinds;
using Experiments.Engine.Tests.Support;
using Experiments.Engine.Util;
using FsCheck;
using FsCheck.Xunit;

namespace Experiments.Engine.Tests.Keys;

/// <summary>
/// Step keys are invariant under cosmetic edits (argument order, number spelling, spelling out a
/// default) and change under every real one (a param value, input bytes, kind version, seed).
/// </summary>
public sealed class KeyPropertyTests
{
    private static readonly StepKindRegistry s_registry = TestExperiment.Registry(new TextKind("make"), new TextKind("mix"));
    private static readonly string s_directory = Directory.CreateTempSubdirectory("exp-keys-").FullName;
    private static readonly Dictionary<string, string> s_noSources = new();

    private static string Key(string arguments, long seed = 1, StepKindRegistry? registry = null, string? inputDigest = null)
    {
        string text = inputDigest is null
            ? $"experiment e {{ seed {seed}\n data a = make({arguments}) }}"
            : $"experiment e {{ seed {seed}\n data u = make()\n data a = mix(u, {arguments}) }}";
        StepGraph graph = TestExperiment.CompileOk(text, registry ?? s_registry, directory: s_directory);
        StepNode node = graph.Nodes.Single(n => n.Name == "a");
        var inputs = inputDigest is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["data"] = inputDigest };
        return StepKeys.Describe(node, graph.Seed, inputs, s_noSources).Key;
    }

    private static string[] Arguments(int size, double rate, string label) =>
    [
        $"size: {size}",
        $"rate: {rate.ToString("R", CultureInfo.InvariantCulture)}",
        $"label: \"{label}\"",
        "mode: upper",
        "method: lora(rank: 4)",
    ];

    [Property(MaxTest = 60)]
    public bool Invariant_under_argument_order(PositiveInt size, NormalFloat rate, int shuffleSeed)
    {
        string[] arguments = Arguments(size.Get, rate.Get, "l");
        string[] shuffled = (string[])arguments.Clone();
        new SeededRandom(shuffleSeed).Shuffle(shuffled);
        return Key(string.Join(", ", arguments)) == Key(string.Join(", ", shuffled));
    }

    [Property(MaxTest = 60)]
    public bool Invariant_under_number_spelling(NormalFloat rate, PositiveInt size)
    {
        double value = rate.Get;
        string plain = value.ToString("R", CultureInfo.InvariantCulture);
        string exponent = value.ToString("E16", CultureInfo.InvariantCulture);
        return Key($"rate: {plain}, size: {size.Get}") == Key($"rate: {exponent}, size: {size.Get}.0")
            && Key($"size: {size.Get}") == Key($"size: {size.Get}e0");
    }

    [Property(MaxTest = 40)]
    public bool Invariant_under_explicit_defaults(PositiveInt size)
    {
        string implicitDefaults = Key($"size: {size.Get}");
        string explicitDefaults = Key($"size: {size.Get}, rate: 0.5, label: \"x\", mode: copy, fail: false");
        return implicitDefaults == explicitDefaults
            && Key("method: lora") == Key("method: lora(rank: 8)");
    }

    [Property(MaxTest = 60)]
    public bool Changes_with_any_param_value(PositiveInt size, NormalFloat rate, NonEmptyString label, PositiveInt delta)
    {
        string safeLabel = new string(label.Get.Where(char.IsLetterOrDigit).ToArray());
        string baseKey = Key(string.Join(", ", Arguments(size.Get, rate.Get, safeLabel)));
        double otherRate = rate.Get + delta.Get;
        return baseKey != Key(string.Join(", ", Arguments(size.Get + delta.Get, rate.Get, safeLabel)))
            && (otherRate == rate.Get || baseKey != Key(string.Join(", ", Arguments(size.Get, otherRate, safeLabel))))
            && baseKey != Key(string.Join(", ", Arguments(size.Get, rate.Get, safeLabel + "z")))
            && baseKey != Key(string.Join(", ", Arguments(size.Get, rate.Get, safeLabel)).Replace("rank: 4", "rank: 5"));
    }

    [Property(MaxTest = 60)]
    public bool Changes_with_input_bytes(NonEmptyString first, NonEmptyString second)
    {
        string a = Hashing.Sha256Hex(first.Get);
        string b = Hashing.Sha256Hex(second.Get);
        return (a == b) == (Key("size: 1", inputDigest: a) == Key("size: 1", inputDigest: b));
    }

    [Property(MaxTest = 40)]
    public bool Changes_with_seed(long seed, PositiveInt delta) =>
        Key("size: 1", seed) != Key("size: 1", seed + delta.Get);

    [Fact]
    public void A_copy_with_a_changed_field_gets_a_fresh_key_not_the_cached_one()
    {
        StepGraph graph = TestExperiment.CompileOk("experiment e { data a = make(size: 1) }", s_registry, directory: s_directory);
        KeyDescription description = StepKeys.Describe(graph.Nodes[0], 1, new Dictionary<string, string>(), s_noSources);
        string key = description.Key;

        KeyDescription changed = description with { Version = description.Version + 1 };

        Assert.NotEqual(key, changed.Key);
        Assert.Contains("\"version\":2", changed.CanonicalJson);
    }

    [Fact]
    public void Changes_with_kind_version()
    {
        var bumped = TestExperiment.Registry(new TextKind("make", version: 2), new TextKind("mix"));
        Assert.NotEqual(Key("size: 1"), Key("size: 1", registry: bumped));
    }

    [Fact]
    public void A_param_marked_not_to_affect_the_seed_changes_the_key_but_not_the_seed()
    {
        var registry = new StepKindRegistry([new Experiments.Steps.Kinds.GenerateArithmeticKind(), new Experiments.Steps.Kinds.KfoldKind()]);
        StepGraph graph = TestExperiment.CompileOk(
            "experiment e { data p = generate.arithmetic()\n data f = kfold(p, k: 3, fold: sweep[0, 1, 2]) }", registry, directory: s_directory);
        var inputs = new Dictionary<string, string> { ["data"] = new string('d', 64) };
        KeyDescription[] folds = graph.Nodes.Where(n => n.Name == "f").Select(n => StepKeys.Describe(n, graph.Seed, inputs, s_noSources)).ToArray();
        Assert.Equal(3, folds.Select(f => f.Key).Distinct().Count());
        Assert.Single(folds.Select(f => f.Seed).Distinct());
    }

    [Fact]
    public void Derived_seed_differs_between_steps_and_is_stable()
    {
        StepGraph graph = TestExperiment.CompileOk("experiment e { seed 3\n data a = make(size: 1)\n data b = make(size: 2) }", s_registry, directory: s_directory);
        long[] seeds = graph.Nodes.Select(n => StepKeys.Describe(n, graph.Seed, new Dictionary<string, string>(), s_noSources).Seed).ToArray();
        Assert.NotEqual(seeds[0], seeds[1]);
        Assert.Equal(seeds[0], StepKeys.Describe(graph.Nodes[0], 3, new Dictionary<string, string>(), s_noSources).Seed);
    }
}
