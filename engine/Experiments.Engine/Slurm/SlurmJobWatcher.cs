namespace Experiments.Engine.Slurm;

/// <summary>
/// Follows the states of many jobs with one <c>squeue</c> call per tick, however many steps wait:
/// polling per job would cost a process per job per tick.
/// </summary>
internal sealed class SlurmJobWatcher(SlurmClient client, TimeSpan interval)
{
    /// <summary>A job absent from squeue this many ticks in a row is taken as gone (aged out or never known).</summary>
    private const int MissingTicks = 3;

    /// <summary>squeue failing this many ticks in a row (controller down) fails the waiting steps.</summary>
    private const int FailingTicks = 60;

    private readonly object _gate = new();
    private readonly HashSet<Watch> _watches = [];
    private Task? _loop;

    /// <summary>Completes when the job has finished; <paramref name="onRunning"/> is called once when it is seen running.</summary>
    public Task<SlurmJobStatus> WaitAsync(string jobId, Action onRunning, CancellationToken cancellationToken)
    {
        var watch = new Watch(jobId, onRunning);
        lock (_gate)
        {
            _watches.Add(watch);
            _loop ??= Task.Run(LoopAsync);
        }
        CancellationTokenRegistration registration = cancellationToken.Register(() =>
        {
            Remove(watch);
            watch.Done.TrySetCanceled(cancellationToken);
        });
        _ = watch.Done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        return watch.Done.Task;
    }

    private void Remove(Watch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }

    private async Task LoopAsync()
    {
        int failures = 0;
        while (true)
        {
            Watch[] current;
            lock (_gate)
            {
                if (_watches.Count == 0)
                {
                    _loop = null;
                    return;
                }
                current = [.. _watches];
            }
            IReadOnlyDictionary<string, SlurmJobStatus> statuses;
            try
            {
                statuses = await client.QueryAsync(current.Select(w => w.JobId).Distinct().ToArray()).ConfigureAwait(false);
                failures = 0;
            }
            catch (SlurmException exception)
            {
                if (++failures >= FailingTicks)
                {
                    foreach (Watch watch in current)
                    {
                        Remove(watch);
                        watch.Done.TrySetException(exception);
                    }
                }
                await Task.Delay(interval).ConfigureAwait(false);
                continue;
            }
            foreach (Watch watch in current)
            {
                SlurmJobStatus status = statuses.GetValueOrDefault(watch.JobId) ?? SlurmJobStatus.Missing(watch.JobId);
                if (status.IsRunning && !watch.SeenRunning)
                {
                    watch.SeenRunning = true;
                    watch.OnRunning();
                }
                watch.MissingTicks = status.State == "MISSING" ? watch.MissingTicks + 1 : 0;
                if (status.IsFinished && (status.State != "MISSING" || watch.MissingTicks >= MissingTicks))
                {
                    Remove(watch);
                    watch.Done.TrySetResult(status);
                }
            }
            await Task.Delay(interval).ConfigureAwait(false);
        }
    }

    private sealed class Watch(string jobId, Action onRunning)
    {
        public string JobId { get; } = jobId;

        public Action OnRunning { get; } = onRunning;

        public bool SeenRunning { get; set; }

        public int MissingTicks { get; set; }

        public TaskCompletionSource<SlurmJobStatus> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
