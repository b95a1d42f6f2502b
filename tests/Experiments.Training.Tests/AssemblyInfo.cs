// torch's random generator and thread count are process-wide: tests that train must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
