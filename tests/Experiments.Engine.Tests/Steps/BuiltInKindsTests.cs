using Experiments.Engine.Kinds;
using Experiments.Steps;

namespace Experiments.Engine.Tests.Steps;

public sealed class BuiltInKindsTests
{
    [Fact]
    public void Every_kind_is_listed_once_and_registers()
    {
        string[] names = BuiltInKinds.All.Select(k => k.Name).ToArray();
        Assert.Equal(["generate.arithmetic", "generate.sentiment", "load", "split", "kfold", "sample", "filter"], names);
        var registry = new StepKindRegistry(BuiltInKinds.All);
        Assert.Same(BuiltInKinds.All[3], registry.Find("split"));
    }

    [Fact]
    public void Every_kind_and_parameter_is_documented_and_versioned()
    {
        foreach (StepKind kind in BuiltInKinds.All)
        {
            StepKindSchema schema = kind.Schema;
            Assert.Equal("data", schema.Category);
            Assert.Equal(1, schema.Version);
            Assert.False(string.IsNullOrWhiteSpace(schema.Doc), schema.Name);
            Assert.DoesNotContain('\n', schema.Doc);
            Assert.All(schema.Params, p => Assert.False(string.IsNullOrWhiteSpace(p.Doc), $"{schema.Name}.{p.Name}"));
            Assert.All(schema.Outputs, o => Assert.Equal(ArtifactType.Data, o.Type));
            Assert.Equal(schema.Params.Count, schema.Params.Select(p => p.Name).Distinct().Count());
        }
    }

    [Fact]
    public void Single_output_kinds_name_it_out()
    {
        foreach (string name in new[] { "generate.arithmetic", "generate.sentiment", "load", "sample", "filter" })
        {
            Assert.Equal("out", BuiltInKinds.All.Single(k => k.Name == name).Schema.DefaultOutput.Name);
        }
    }
}
