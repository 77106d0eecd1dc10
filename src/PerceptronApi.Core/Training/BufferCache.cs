namespace PerceptronApi.Core.Training;

/// <summary>
/// A few large scratch arrays kept between training runs, held only weakly. A run's private copy of the samples is as
/// large as the input; a fresh array of that size costs a page fault per 4 KiB on first touch (several times the cost
/// of the copy itself), so a run hands its arrays back when it ends and the next run of a similar size takes them.
/// The references are weak: a full garbage collection frees them, so nothing is retained under memory pressure.
/// Rented arrays are not cleared.
/// </summary>
internal static class BufferCache
{
    private static readonly WeakReference<double[]>?[] Slots = new WeakReference<double[]>?[4];

    /// <summary>An array of at least <paramref name="length"/> values (at most about 1.5 times as many), contents unspecified.</summary>
    internal static double[] Rent(int length)
    {
        lock (Slots)
        {
            for (var i = 0; i < Slots.Length; i++)
            {
                if (Slots[i] is { } slot && slot.TryGetTarget(out var array) && array.Length >= length && array.Length - length <= (length / 2) + 4096)
                {
                    Slots[i] = null;
                    return array;
                }
            }
        }

        return GC.AllocateUninitializedArray<double>(length);
    }

    /// <summary>Hands <paramref name="array"/> back; the caller must not use it any more.</summary>
    internal static void Return(double[]? array)
    {
        if (array is null || array.Length < 1024)
        {
            return;
        }

        lock (Slots)
        {
            // An empty or collected slot, else the smallest array's slot (the larger one is the costlier to fault in).
            var target = 0;
            var smallest = int.MaxValue;
            for (var i = 0; i < Slots.Length; i++)
            {
                if (Slots[i] is not { } slot || !slot.TryGetTarget(out var held))
                {
                    target = i;
                    break;
                }

                if (held.Length < smallest)
                {
                    smallest = held.Length;
                    target = i;
                }
            }

            Slots[target] = new WeakReference<double[]>(array);
        }
    }
}
