namespace Experiments.Metrics.Tests.Reference;

public sealed class ReferenceOracleTests
{
    [Fact]
    public void A_missing_reference_skips_with_the_reason_or_fails_when_required()
    {
        ReferenceOracle oracle = ReferenceOracle.Run([], "no_such_module_for_the_metrics_tests");
        if (ReferenceOracle.Required)
        {
            var e = Assert.Throws<InvalidOperationException>(oracle.RequireAvailable);
            Assert.Contains("EXP_REQUIRE_REFERENCE=1", e.Message);
        }
        else
        {
            var e = Assert.Throws<SkipException>(oracle.RequireAvailable);
            Assert.Contains("apt-get install python3-sklearn", e.Message);
        }
    }
}
