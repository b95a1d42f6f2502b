using System.Diagnostics;
using System.Globalization;
using Experiments.Engine.Execution;
using Experiments.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Experiments.Training.Training;

/// <summary>
/// The training loop: AdamW with a warmup schedule, gradient accumulation normalised over the whole
/// window, global-norm clipping, periodic evaluation with early stopping and best-model selection,
/// divergence detection, and checkpoints that a later run resumes from exactly. Every step body runs
/// in its own dispose scope, so no tensor outlives the step that made it.
/// </summary>
public sealed class Trainer
{
    private readonly Gpt _model;
    private readonly ITrainingData _data;
    private readonly Objective _objective;
    private readonly TrainingOptions _options;
    private readonly TrainingHooks _hooks;
    private readonly Checkpointer? _checkpoints;
    private readonly Device _device;
    private readonly Tensor? _classWeights;

    public Trainer(
        Gpt model,
        ITrainingData data,
        Objective objective,
        TrainingOptions options,
        Device device,
        Checkpointer? checkpoints = null,
        TrainingHooks? hooks = null,
        double[]? classWeights = null)
    {
        _model = model;
        _data = data;
        _objective = objective;
        _options = options;
        _device = device;
        _checkpoints = checkpoints;
        _hooks = hooks ?? TrainingHooks.None;
        _classWeights = classWeights is null ? null : tensor(classWeights, dtype: float32, device: device);
    }

    public TrainingResult Run(CancellationToken cancellationToken)
    {
        using var optimizer = new AdamW(_model.TrainableParameters(), _options);
        var schedule = new LearningRateSchedule(_options);
        TrainerState state = _checkpoints?.TryRestoreLatest(_model, optimizer) ?? new TrainerState();
        int resumedFrom = (int)state.Step;
        if (state.Step > 0)
        {
            set_rng_state(RngFromBase64(state.RngState));
            _hooks.Log?.WriteLine($"resuming from the checkpoint at step {state.Step}");
        }

        _model.train();
        long total = _options.MaxSteps;
        double lastLoss = state.LastFiniteLoss ?? double.NaN;
        double? valLoss = null;
        double? valAccuracy = null;
        var clock = Stopwatch.StartNew();
        double tokensPerSecond = 0;
        var measured = Stopwatch.StartNew();
        long measuredTokens = 0;

        while (state.Step < total && !state.StoppedEarly)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // A consistent step boundary: keep the work done so far for the next run.
                SaveCheckpoint(optimizer, state);
                cancellationToken.ThrowIfCancellationRequested();
            }
            long step = state.Step;
            double learningRate = schedule.At(step);
            (double loss, long windowTokens) = Backward(step);
            double gradNorm = nn.utils.clip_grad_norm_(optimizer.Parameters, _options.MaxGradNorm > 0 ? _options.MaxGradNorm : double.PositiveInfinity);
            if (!double.IsFinite(loss) || !double.IsFinite(gradNorm))
            {
                string what = !double.IsFinite(loss) ? $"the loss is {Describe(loss)}" : $"the gradient norm is {Describe(gradNorm)}";
                string last = state.LastFiniteLoss is double finite
                    ? $"the last finite loss was {finite.ToString("G5", CultureInfo.InvariantCulture)} at step {step}"
                    : "no step had a finite loss yet";
                throw new StepFailedException(
                    $"step '{_hooks.StepName}': training diverged at training step {step + 1} of {total}: {what} ({last}). " +
                    "Lower learning_rate, set max_grad_norm, or check the data.");
            }
            optimizer.Step(learningRate);
            optimizer.ZeroGrad();
            lastLoss = loss;
            state = state with { Step = step + 1, OptimizerSteps = optimizer.Steps, LastFiniteLoss = loss, TokensSeen = state.TokensSeen + windowTokens };
            measuredTokens += windowTokens;

            bool last_ = state.Step == total;
            if (state.Step % Math.Max(1, _options.LoggingSteps) == 0 || last_)
            {
                tokensPerSecond = measuredTokens / Math.Max(measured.Elapsed.TotalSeconds, 1e-9);
                measured.Restart();
                measuredTokens = 0;
                Track("loss", state.Step, loss);
                Track("learning_rate", state.Step, learningRate);
                Track("grad_norm", state.Step, gradNorm);
                Track("tokens_per_second", state.Step, tokensPerSecond);
            }
            _hooks.Progress?.Invoke(state.Step, total, loss, tokensPerSecond);

            bool evaluate = _data.Validation.Count > 0 && (last_ || (_options.EvalSteps > 0 && state.Step % _options.EvalSteps == 0));
            if (evaluate)
            {
                (valLoss, valAccuracy) = Evaluate();
                Track("val_loss", state.Step, valLoss.Value);
                if (valAccuracy is double accuracy)
                {
                    Track("val_accuracy", state.Step, accuracy);
                }
                state = Judge(state, valLoss.Value, valAccuracy);
            }
            if (_options.SaveSteps > 0 && state.Step % _options.SaveSteps == 0 && !last_)
            {
                SaveCheckpoint(optimizer, state);
            }
        }

        if (_options.LoadBestModelAtEnd && state.BestStep is long bestStep && bestStep != state.Step && _checkpoints?.HasBest == true)
        {
            _hooks.Log?.WriteLine($"loading the best model (step {bestStep}, {_options.MetricForBestModel} {state.BestMetric:G5})");
            _checkpoints.LoadBest(_model);
            (valLoss, valAccuracy) = Evaluate();
        }
        _model.eval();
        double overall = state.TokensSeen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new TrainingResult(state.Step, lastLoss, valLoss, valAccuracy, state.BestMetric, state.BestStep,
            state.StoppedEarly, state.TokensSeen, resumedFrom > 0 ? tokensPerSecond : overall, resumedFrom);
    }

    /// <summary>
    /// Accumulates the gradients of optimizer step <paramref name="step"/>'s window of micro-batches.
    /// Each micro-batch's summed loss is divided by the whole window's weight (target tokens), so the
    /// gradient equals one large batch's, however the window is split.
    /// </summary>
    internal (double Loss, long Tokens) Backward(long step)
    {
        using DisposeScope scope = NewDisposeScope();
        int accumulation = _options.GradientAccumulationSteps;
        var window = new MicroBatch[accumulation];
        double denominator = 0;
        long tokens = 0;
        for (int i = 0; i < accumulation; i++)
        {
            window[i] = _data.Get(step * accumulation + i);
            denominator += window[i].Weight;
            tokens += window[i].Tokens;
        }
        denominator = Math.Max(denominator, 1e-12);
        Tensor? lossSum = null;
        foreach (MicroBatch batch in window)
        {
            Tensor part = LossSum(batch).div(denominator);
            part.backward();
            Tensor detached = part.detach();
            lossSum = lossSum is null ? detached : lossSum.add_(detached);
        }
        return (lossSum!.item<float>(), tokens);
    }

    /// <summary>Records the evaluation: a better metric becomes the best model, a worse one counts towards patience.</summary>
    private TrainerState Judge(TrainerState state, double valLoss, double? valAccuracy)
    {
        double? metric = _options.MetricForBestModel switch
        {
            "val_loss" => valLoss,
            "val_accuracy" => valAccuracy,
            _ => null,
        };
        if (metric is not double value)
        {
            return state;
        }
        bool better = state.BestMetric is not double best || (_options.GreaterIsBetter ? value > best : value < best);
        if (better)
        {
            if (_options.LoadBestModelAtEnd)
            {
                _checkpoints?.SaveBest(_model);
            }
            return state with { BestMetric = value, BestStep = state.Step, EvaluationsWithoutImprovement = 0 };
        }
        int bad = state.EvaluationsWithoutImprovement + 1;
        bool stop = _options.EarlyStoppingPatience is int patience && bad >= patience;
        if (stop)
        {
            _hooks.Log?.WriteLine($"early stopping at step {state.Step}: {bad} evaluations without improving {_options.MetricForBestModel}");
        }
        return state with { EvaluationsWithoutImprovement = bad, StoppedEarly = stop };
    }

    /// <summary>Validation loss (token- or weight-averaged, like training) and, for classification, accuracy.</summary>
    public (double Loss, double? Accuracy) Evaluate()
    {
        _model.eval();
        try
        {
            using var noGrad = no_grad();
            double lossSum = 0;
            double weight = 0;
            long correct = 0;
            long rows = 0;
            foreach (MicroBatch batch in _data.Validation)
            {
                using DisposeScope scope = NewDisposeScope();
                if (_objective == Objective.Classify)
                {
                    Tensor logits = ClassLogits(batch);
                    Tensor labels = tensor(batch.Labels!, dtype: int64, device: _device);
                    lossSum += nn.functional.cross_entropy(logits, labels, weight: _classWeights, reduction: nn.Reduction.Sum).item<float>();
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                    rows += batch.Rows;
                }
                else
                {
                    lossSum += LossSum(batch).item<float>();
                }
                weight += batch.Weight;
            }
            double? accuracy = _objective == Objective.Classify && rows > 0 ? (double)correct / rows : null;
            return (lossSum / Math.Max(weight, 1e-12), accuracy);
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>The summed loss of one micro-batch (normalised by the caller over its window).</summary>
    private Tensor LossSum(MicroBatch batch)
    {
        if (_objective == Objective.Classify)
        {
            Tensor logits = ClassLogits(batch);
            Tensor labels = tensor(batch.Labels!, dtype: int64, device: _device);
            return nn.functional.cross_entropy(logits, labels, weight: _classWeights, reduction: nn.Reduction.Sum);
        }
        Tensor inputs = tensor(batch.Inputs, [batch.Rows, batch.Length], dtype: int64, device: _device);
        Tensor targets = tensor(batch.Targets!, [batch.Rows * batch.Length], dtype: int64, device: _device);
        Tensor hidden = _model.Hidden(inputs);
        Tensor logitsLm = _model.LmLogits(hidden);
        return nn.functional.cross_entropy(logitsLm.view(-1, logitsLm.shape[2]), targets, ignore_index: MicroBatch.Ignore, reduction: nn.Reduction.Sum);
    }

    private Tensor ClassLogits(MicroBatch batch)
    {
        Tensor inputs = tensor(batch.Inputs, [batch.Rows, batch.Length], dtype: int64, device: _device);
        Tensor last = tensor(batch.LastIndex!, dtype: int64, device: _device);
        return _model.ClassLogits(_model.Hidden(inputs), last);
    }

    private void SaveCheckpoint(AdamW optimizer, TrainerState state)
    {
        if (_checkpoints is null || state.Step == 0)
        {
            return;
        }
        using Tensor rng = get_rng_state();
        _checkpoints.Save(_model, optimizer, state with { RngState = Convert.ToBase64String(rng.data<byte>().ToArray()) });
        _hooks.Log?.WriteLine($"checkpoint at step {state.Step}");
    }

    private void Track(string name, long step, double value) => _hooks.Track?.Invoke(name, step, value);

    private static Tensor RngFromBase64(string text) => tensor(Convert.FromBase64String(text), dtype: uint8);

    private static string Describe(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
}
