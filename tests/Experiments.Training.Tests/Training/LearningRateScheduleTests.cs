using Experiments.Training.Training;

namespace Experiments.Training.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static TrainingOptions Options(LrScheduler scheduler) => new()
    {
        MaxSteps = 110, LearningRate = 1.0, WarmupSteps = 10, Scheduler = scheduler, CosineMinLrRatio = 0.1,
    };

    [Theory]
    [InlineData(LrScheduler.Constant)]
    [InlineData(LrScheduler.Linear)]
    [InlineData(LrScheduler.Cosine)]
    public void Warms_up_linearly_to_the_peak(LrScheduler scheduler)
    {
        var schedule = new LearningRateSchedule(Options(scheduler));

        Assert.Equal(0.1, schedule.At(0), 12);
        Assert.Equal(0.5, schedule.At(4), 12);
        Assert.Equal(1.0, schedule.At(9), 12);
        Assert.Equal(1.0, schedule.At(10), 12);
    }

    [Fact]
    public void Decays_as_named()
    {
        Assert.Equal(1.0, new LearningRateSchedule(Options(LrScheduler.Constant)).At(109), 12);
        Assert.Equal(0.5, new LearningRateSchedule(Options(LrScheduler.Linear)).At(60), 12);
        var cosine = new LearningRateSchedule(Options(LrScheduler.Cosine));
        Assert.Equal(0.55, cosine.At(60), 12); // halfway: floor + (peak - floor) / 2
        Assert.Equal(0.1, cosine.At(110), 12);
    }
}
