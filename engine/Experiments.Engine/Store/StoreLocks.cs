namespace Experiments.Engine.Store;

/// <summary>
/// Cross-process locks on the store, on advisory file locks (flock) that the kernel releases
/// when a process dies, so a killed run never leaves a lock behind. A per-key lock makes two
/// processes compute a step once; the store-wide lock is shared by runs and exclusive for gc.
/// </summary>
public static class StoreLocks
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(25);

    /// <summary>Waits until this process holds the lock for <paramref name="key"/>.</summary>
    public static Task<IDisposable> AcquireKeyAsync(ContentStore store, string key, Action? onWait, CancellationToken cancellationToken) =>
        AcquireFileAsync(store, Path.Combine(store.Root, "locks", key[..2], key + ".lock"), onWait, cancellationToken);

    /// <summary>
    /// Held while an executor decides whether a recipe's job exists and submits it, so two runs
    /// on one store submit a recipe once (the second finds the first one's job record).
    /// </summary>
    public static Task<IDisposable> AcquireRecipeAsync(ContentStore store, string recipe, CancellationToken cancellationToken) =>
        AcquireFileAsync(store, Path.Combine(store.Root, "locks", "recipes", recipe[..2], recipe + ".lock"), null, cancellationToken);

    private static async Task<IDisposable> AcquireFileAsync(ContentStore store, string path, Action? onWait, CancellationToken cancellationToken)
    {
        store.EnsureDirectoryFor(path);
        bool told = false;
        while (true)
        {
            if (TryOpen(path, FileShare.None) is { } stream)
            {
                return stream;
            }
            if (!told)
            {
                onWait?.Invoke();
                told = true;
            }
            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Held by every run for its whole length; gc cannot start while one is held.</summary>
    public static IDisposable? TryAcquireShared(ContentStore store)
    {
        Directory.CreateDirectory(store.Root);
        return TryOpen(Path.Combine(store.Root, "store.lock"), FileShare.ReadWrite);
    }

    /// <summary>Waits while a gc holds the store, then holds it shared for a run.</summary>
    public static async Task<IDisposable> AcquireSharedAsync(ContentStore store, Action? onWait, CancellationToken cancellationToken)
    {
        bool told = false;
        while (true)
        {
            if (TryAcquireShared(store) is { } shared)
            {
                return shared;
            }
            if (!told)
            {
                onWait?.Invoke();
                told = true;
            }
            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Held by gc; null while any run is using the store.</summary>
    public static IDisposable? TryAcquireExclusive(ContentStore store) => TryOpen(Path.Combine(store.Root, "store.lock"), FileShare.None);

    private static FileStream? TryOpen(string path, FileShare share)
    {
        try
        {
            // FileShare.None takes flock(LOCK_EX), any other share LOCK_SH (on Unix, .NET maps
            // sharing modes to advisory locks); both fail at once rather than block.
            FileAccess access = share == FileShare.None ? FileAccess.ReadWrite : FileAccess.Read;
            return new FileStream(path, FileMode.OpenOrCreate, access, share, bufferSize: 1);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
