using System.Text;
using System.Text.Json.Nodes;
using Experiments.Engine.Compile;
using Experiments.Engine.Execution;
using Experiments.Engine.Kinds;
using Experiments.Training.Models;
using Experiments.Training.Native;
using Experiments.Training.Text;
using Experiments.Training.Tokenizers;
using Experiments.Training.Training;
using TorchSharp;

namespace Experiments.Training.Tests.Evaluation;

/// <summary>
/// Models the evaluation tests share, trained once: a classifier of short gendered reviews whose
/// label is the adjective's sentiment (separable data), and a causal LM that has seen a little
/// of "prompt completion" text. Both are saved as model folders, as pretrain and finetune save them.
/// </summary>
public sealed class EvaluationFixture : IDisposable
{
    private static readonly string[] s_people = ["he", "she", "John", "Mary", "his sister", "her brother"];
    private static readonly string[] s_positive = ["good", "great", "lovely", "superb"];
    private static readonly string[] s_negative = ["bad", "awful", "poor", "dreadful"];

    public EvaluationFixture()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        Root = Directory.CreateTempSubdirectory("exp-eval-").FullName;
        Reviews = MakeReviews(240, seed: 11);
        TestReviews = MakeReviews(120, seed: 12);
        ClassifierFolder = TrainClassifier();
        LanguageModelFolder = TrainLanguageModel();
    }

    public string Root { get; }

    public List<JsonObject> Reviews { get; }

    public List<JsonObject> TestReviews { get; }

    public string ClassifierFolder { get; }

    public string LanguageModelFolder { get; }

    /// <summary>Prompt/completion pairs: the completion is the prompt's first word reversed.</summary>
    public static List<JsonObject> Pairs(int count, long seed)
    {
        var random = new Random((int)seed);
        string[] words = ["cat", "dog", "sun", "map", "pen", "box", "cup", "hat"];
        return Enumerable.Range(0, count).Select(i =>
        {
            string word = words[random.Next(words.Length)];
            return new JsonObject { ["id"] = $"p{i}", ["prompt"] = $"flip {word}", ["completion"] = new string(word.Reverse().ToArray()) };
        }).ToList();
    }

    private static List<JsonObject> MakeReviews(int count, long seed)
    {
        var random = new Random((int)seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            string who = s_people[random.Next(s_people.Length)];
            bool positive = random.Next(2) == 1;
            string adjective = (positive ? s_positive : s_negative)[random.Next(4)];
            bool female = who is "she" or "Mary" or "his sister";
            return new JsonObject
            {
                ["id"] = 1000 + i,
                ["text"] = $"{adjective}! {who} said it was {adjective}",
                ["label"] = positive ? 1 : 0,
                ["group"] = female ? "female" : "male",
                ["age"] = i % 3 == 0 ? "young" : "old",
            };
        }).ToList();
    }

    public static string WriteRows(string path, IEnumerable<JsonObject> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Concat(rows.Select(r => r.ToJsonString() + "\n")), new UTF8Encoding(false));
        return path;
    }

    private string TrainClassifier()
    {
        string[] texts = Reviews.Concat(TestReviews).Select(r => (string)r["text"]!).ToArray();
        CharTokenizer tokenizer = CharTokenizer.Train(texts.Append("flip abcdefghijklmnopqrstuvwxyz"));
        string[] labels = ["0", "1"];
        var config = new GptConfig { VocabSize = tokenizer.VocabSize, Layers = 1, Dim = 32, Heads = 2, Context = 48, Labels = labels };
        torch.manual_seed(3);
        using var model = new Gpt(config);
        var encoder = new ExampleEncoder(tokenizer, config.Context, Objective.Classify, " ", labels);
        List<SupervisedExample> train = Reviews.Select(r => encoder.Encode([(string)r["text"]!, r["label"]!.ToJsonString()])).ToList();
        var data = new SupervisedData(train, [], Objective.Classify, 16, tokenizer.EndOfText, false, null, seed: 5);
        new Trainer(model, data, Objective.Classify, TinyModels.Options(60, batch: 16) with { LearningRate = 3e-3 }, torch.CPU).Run(CancellationToken.None);
        string folder = Path.Combine(Root, "classifier");
        ModelFolder.Save(folder, model, tokenizer);
        return folder;
    }

    private string TrainLanguageModel()
    {
        List<JsonObject> pairs = Pairs(64, seed: 4);
        CharTokenizer tokenizer = CharTokenizer.Train(pairs.Select(p => $"{p["prompt"]} {p["completion"]}"));
        var config = new GptConfig { VocabSize = tokenizer.VocabSize, Layers = 1, Dim = 32, Heads = 2, Context = 24 };
        torch.manual_seed(4);
        using var model = new Gpt(config);
        var encoder = new ExampleEncoder(tokenizer, config.Context, Objective.CausalLm, " ", []);
        List<SupervisedExample> train = pairs.Select(p => encoder.Encode([(string)p["prompt"]!, (string)p["completion"]!])).ToList();
        var data = new SupervisedData(train, [], Objective.CausalLm, 16, tokenizer.EndOfText, false, null, seed: 5);
        new Trainer(model, data, Objective.CausalLm, TinyModels.Options(40, batch: 16) with { LearningRate = 1e-2 }, torch.CPU).Run(CancellationToken.None);
        string folder = Path.Combine(Root, "lm");
        ModelFolder.Save(folder, model, tokenizer);
        return folder;
    }

    /// <summary>A context as an executor builds it: schema defaults, then <paramref name="overrides"/>; the model folder as input 'model'.</summary>
    public StepContext Context(StepKind kind, string modelFolder, string dataFile, string output, params (string Name, CanonicalValue Value)[] overrides)
    {
        Dictionary<string, CanonicalValue> parameters = kind.Schema.Params.ToDictionary(p => p.Name, p => p.Default!);
        parameters["threads"] = CanonicalValue.Number(1);
        parameters["bootstrap_iters"] = CanonicalValue.Number(200);
        foreach ((string name, CanonicalValue value) in overrides)
        {
            parameters[name] = value;
        }
        var inputs = new Dictionary<string, InputArtifact>
        {
            ["model"] = new(ArtifactType.Model, Directory.EnumerateFiles(modelFolder).ToDictionary(f => Path.GetFileName(f), f => f)),
            ["data"] = new(ArtifactType.Data, new Dictionary<string, string> { ["data.jsonl"] = dataFile }),
        };
        return new StepContext(
            "eval", kind.Schema, 42, new StepParameters(parameters), inputs,
            new Dictionary<string, SourceFile>(), Path.Combine(Root, output), TextWriter.Null);
    }

    public static CanonicalValue Names(params string[] names) => CanonicalValue.List(names.Select(CanonicalValue.String));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
