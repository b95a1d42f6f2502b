using Experiments.Metrics.Significance;
using Experiments.Metrics.Special;
using Experiments.Metrics.Uncertainty;

namespace Experiments.Metrics.Tests.Reference;

/// <summary>
/// The tests' arithmetic against SciPy: Welch's t-test p-values, exact McNemar (binomial) p-values,
/// the χ² tail, Student-t and normal quantiles, and Wilson intervals.
/// </summary>
public sealed class StatisticsAgreementTests(StatisticsAgreementTests.Cases cases) : IClassFixture<StatisticsAgreementTests.Cases>
{
    public sealed class Cases
    {
        public List<(double[] A, double[] B)> Welch { get; } = [];

        public List<(int B, int C)> McNemar { get; } = [];

        public List<(double X, double Df)> ChiSquare { get; } = [];

        public List<(double Q, double Df)> TQuantiles { get; } = [];

        public List<double> NormalQuantiles { get; } = [];

        public List<(int K, int N, double Confidence)> Wilson { get; } = [];

        public List<object> Requests { get; } = [];

        public ReferenceOracle Oracle { get; }

        public Cases()
        {
            var generate = new CaseGenerator(4);
            for (int i = 0; i < 150; i++)
            {
                double shift = generate.Double() * 0.5;
                double spreadA = 0.01 + generate.Double(), spreadB = 0.01 + (3 * generate.Double());
                double[] a = Enumerable.Range(0, generate.Int(2, 30)).Select(_ => generate.Double() * spreadA).ToArray();
                double[] b = Enumerable.Range(0, generate.Int(2, 30)).Select(_ => shift + (generate.Double() * spreadB)).ToArray();
                Welch.Add((a, b));
                Requests.Add(new { op = "welch", a, b });
            }
            for (int b = 0; b < 15; b++)
            {
                for (int c = 0; c < 15; c += 2)
                {
                    McNemar.Add((b, c));
                    Requests.Add(new { op = "mcnemar_exact", b, c });
                }
            }
            for (int i = 0; i < 60; i++)
            {
                (double x, double df) = (generate.Double() * 30, generate.Pick([1.0, 2, 3, 7.5, 20]));
                ChiSquare.Add((x, df));
                Requests.Add(new { op = "chi2_sf", x, df });
            }
            foreach (double q in new[] { 0.55, 0.9, 0.95, 0.975, 0.995, 0.9995 })
            {
                foreach (double df in new[] { 1.0, 2, 4, 9, 29, 1000 })
                {
                    TQuantiles.Add((q, df));
                    Requests.Add(new { op = "t_ppf", q, df });
                }
            }
            foreach (double q in new[] { 1e-10, 0.001, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.99, 0.9999 })
            {
                NormalQuantiles.Add(q);
                Requests.Add(new { op = "norm_ppf", q });
            }
            for (int i = 0; i < 80; i++)
            {
                int n = generate.Pick([1, 5, 30, 200, 10000]);
                int k = generate.Int(n + 1);
                double confidence = generate.Pick([0.8, 0.9, 0.95, 0.99]);
                Wilson.Add((k, n, confidence));
                Requests.Add(new { op = "wilson", k, n, confidence });
            }
            Oracle = ReferenceOracle.Run(Requests, "scipy");
        }
    }

    [SkippableFact]
    public void Welch_t_statistic_and_p_value_agree_with_scipy()
    {
        cases.Oracle.RequireAvailable();
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.Welch.Count; i++)
        {
            double[] expected = cases.Oracle.Numbers(i);
            WelchResult ours = WelchTTest.Test(cases.Welch[i].A, cases.Welch[i].B);
            batch.Close(expected[0], ours.T, $"case {i} t", tolerance: 1e-6 * Math.Max(1, Math.Abs(expected[0])));
            batch.Close(expected[1], ours.PValue, $"case {i} p");
        }
        batch.Assert(minimumChecks: 300);
    }

    [SkippableFact]
    public void Exact_mcnemar_p_values_agree_with_scipy_binomtest()
    {
        cases.Oracle.RequireAvailable();
        int offset = cases.Welch.Count;
        var batch = new Agreement.Batch();
        for (int i = 0; i < cases.McNemar.Count; i++)
        {
            (int b, int c) = cases.McNemar[i];
            McNemarResult ours = McNemar.Test(b, c, exact: true);
            batch.Close(cases.Oracle.Number(offset + i), ours.PValue, $"b={b} c={c}");
        }
        batch.Assert(minimumChecks: 100);
    }

    [SkippableFact]
    public void Distribution_functions_agree_with_scipy()
    {
        cases.Oracle.RequireAvailable();
        int at = cases.Welch.Count + cases.McNemar.Count;
        var batch = new Agreement.Batch();
        foreach ((double x, double df) in cases.ChiSquare)
        {
            batch.Close(cases.Oracle.Number(at++), SpecialFunctions.ChiSquareSurvival(x, df), $"chi2.sf({x}, {df})", tolerance: 1e-9);
        }
        foreach ((double q, double df) in cases.TQuantiles)
        {
            double expected = cases.Oracle.Number(at++);
            batch.Close(expected, KFold.StudentTQuantile(q, df), $"t.ppf({q}, {df})", tolerance: 1e-8 * Math.Max(1, Math.Abs(expected)));
        }
        foreach (double q in cases.NormalQuantiles)
        {
            batch.Close(cases.Oracle.Number(at++), SpecialFunctions.NormalQuantile(q), $"norm.ppf({q})", tolerance: 1e-9);
        }
        batch.Assert(minimumChecks: 100);
    }

    [SkippableFact]
    public void Wilson_intervals_agree_with_scipy()
    {
        cases.Oracle.RequireAvailable();
        int at = cases.Welch.Count + cases.McNemar.Count + cases.ChiSquare.Count + cases.TQuantiles.Count + cases.NormalQuantiles.Count;
        var batch = new Agreement.Batch();
        foreach ((int k, int n, double confidence) in cases.Wilson)
        {
            double[] expected = cases.Oracle.Numbers(at++);
            MetricEstimate ours = ProportionIntervals.Wilson(k, n, confidence);
            batch.Close(expected[0], ours.CiLow!.Value, $"wilson({k}/{n}, {confidence}) low");
            batch.Close(expected[1], ours.CiHigh!.Value, $"wilson({k}/{n}, {confidence}) high");
        }
        batch.Assert(minimumChecks: 160);
    }
}
