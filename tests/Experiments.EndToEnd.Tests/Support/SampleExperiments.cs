namespace Experiments.EndToEnd.Tests.Support;

/// <summary>Experiments the end-to-end tests write into their workspaces.</summary>
internal static class SampleExperiments
{
    /// <summary>A few seconds of real data work in a dozen steps: long enough to kill or race.</summary>
    public const string Heavy = """
        experiment heavy {
          seed 11
          data reviews   = generate.sentiment(examples: 25000, label_noise: 0.05)
          data splits    = split(reviews, train: 0.7, val: 0.15, test: 0.15, stratify: "label")
          data subset    = sample(splits.train, fraction: sweep[0.3, 0.6, 0.9])
          data women     = filter(splits.test, field: "group", equals: "female")
          data problems  = generate.arithmetic(examples: 25000)
          data folds     = kfold(problems, k: 5, fold: sweep[0, 1, 2])
        }
        """;
}
