using Experiments.Engine.Kinds;

namespace Experiments.Engine.Scheduling;

/// <summary>
/// Slots of CPU, GPU and memory shared by the steps of a run. A step waits until all the slots
/// its kind declares are free, so heavy steps do not oversubscribe the machine. A request larger
/// than the whole pool is clamped to it (it then runs alone rather than never).
/// </summary>
public sealed class ResourcePool(int cpu, int gpu, int memoryMb)
{
    private readonly ResourceSlots _capacity = new(cpu, gpu, memoryMb);
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private int _cpu = cpu;
    private int _gpu = gpu;
    private int _memory = memoryMb;

    public ResourcePool(ResourceSlots capacity)
        : this(capacity.Cpu, capacity.Gpu, capacity.MemoryMb)
    {
    }

    public ResourceSlots Capacity => _capacity;

    public async Task<IDisposable> AcquireAsync(ResourceSlots request, CancellationToken cancellationToken)
    {
        var clamped = new ResourceSlots(
            Math.Min(request.Cpu, _capacity.Cpu), Math.Min(request.Gpu, _capacity.Gpu), Math.Min(request.MemoryMb, _capacity.MemoryMb));
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && Fits(clamped))
            {
                Take(clamped);
                return new Lease(this, clamped);
            }
            waiter = new Waiter(clamped);
            _waiters.AddLast(waiter);
        }
        using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)))
        {
            await waiter.Ready.Task.ConfigureAwait(false);
        }
        return new Lease(this, clamped);
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_waiters.Remove(waiter))
            {
                return; // Already granted; the lease is released by its owner.
            }
        }
        waiter.Ready.TrySetCanceled(cancellationToken);
    }

    private bool Fits(ResourceSlots r) => r.Cpu <= _cpu && r.Gpu <= _gpu && r.MemoryMb <= _memory;

    private void Take(ResourceSlots r)
    {
        _cpu -= r.Cpu;
        _gpu -= r.Gpu;
        _memory -= r.MemoryMb;
    }

    private void Release(ResourceSlots r)
    {
        var granted = new List<Waiter>();
        lock (_gate)
        {
            _cpu += r.Cpu;
            _gpu += r.Gpu;
            _memory += r.MemoryMb;
            // First come, first served, but a small step may pass a big one that does not fit yet.
            for (LinkedListNode<Waiter>? node = _waiters.First; node is not null;)
            {
                LinkedListNode<Waiter>? next = node.Next;
                if (Fits(node.Value.Request))
                {
                    Take(node.Value.Request);
                    _waiters.Remove(node);
                    granted.Add(node.Value);
                }
                node = next;
            }
        }
        foreach (Waiter waiter in granted)
        {
            waiter.Ready.TrySetResult();
        }
    }

    private sealed class Waiter(ResourceSlots request)
    {
        public ResourceSlots Request { get; } = request;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lease(ResourcePool pool, ResourceSlots slots) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                pool.Release(slots);
            }
        }
    }
}
