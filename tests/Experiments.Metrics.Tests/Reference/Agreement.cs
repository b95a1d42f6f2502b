namespace Experiments.Metrics.Tests.Reference;

/// <summary>Comparisons to the reference with a message that names the case.</summary>
internal static class Agreement
{
    public const double Tolerance = 1e-6;

    public static void Close(double expected, double actual, string what, double tolerance = Tolerance)
    {
        bool same = (double.IsNaN(expected) && double.IsNaN(actual)) || Math.Abs(expected - actual) <= tolerance;
        Assert.True(same, $"{what}: reference {expected:R}, ours {actual:R} (difference {Math.Abs(expected - actual):E2})");
    }

    /// <summary>Collects every disagreement of a batch and fails once, listing the first few.</summary>
    public sealed class Batch
    {
        private readonly List<string> _failures = [];
        private int _checked;

        public void Close(double expected, double actual, string what, double tolerance = Tolerance)
        {
            _checked++;
            bool same = (double.IsNaN(expected) && double.IsNaN(actual)) || Math.Abs(expected - actual) <= tolerance;
            if (!same)
            {
                _failures.Add($"{what}: reference {expected:R}, ours {actual:R}");
            }
        }

        public void Equal<T>(T expected, T actual, string what)
        {
            _checked++;
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                _failures.Add($"{what}: reference {expected}, ours {actual}");
            }
        }

        public void Assert(int minimumChecks)
        {
            Xunit.Assert.True(_failures.Count == 0, $"{_failures.Count} of {_checked} disagree:\n" + string.Join("\n", _failures.Take(15)));
            Xunit.Assert.True(_checked >= minimumChecks, $"only {_checked} comparisons ran (expected at least {minimumChecks})");
        }
    }
}
