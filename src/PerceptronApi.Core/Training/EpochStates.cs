using System.Runtime.InteropServices;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The running perceptron's state (bias and weights) at the end of each epoch so far, to find the first epoch that
/// ends where an earlier one ended. States are compared bit for bit (0.0 and −0.0 differ, as the contract's "identical"
/// asks), through a hash of their bits. Cost: one copy of <c>n + 1</c> doubles and one hash entry per epoch, at most
/// <see cref="TrainingOptions.MaxEpochs"/> of them — the same order as the history a caller keeps anyway (each record
/// carries the same <c>n + 1</c> numbers); each epoch adds one hash and, on a hash match, one comparison.
/// </summary>
internal sealed class EpochStates
{
    private readonly Dictionary<double[], int> _epochs = new(StateComparer.Instance);

    /// <summary>
    /// Remembers the state at the end of <paramref name="epoch"/> and returns <see langword="null"/>, or, when an earlier
    /// epoch ended in the same state, returns that cycle (and remembers nothing).
    /// </summary>
    internal EpochCycle? Add(int epoch, double bias, ReadOnlySpan<double> weights)
    {
        var state = new double[weights.Length + 1];
        state[0] = bias;
        weights.CopyTo(state.AsSpan(1));
        if (_epochs.TryGetValue(state, out var earlier))
        {
            return new EpochCycle(earlier, epoch);
        }

        _epochs.Add(state, epoch);
        return null;
    }

    private sealed class StateComparer : IEqualityComparer<double[]>
    {
        internal static readonly StateComparer Instance = new();

        public bool Equals(double[]? x, double[]? y) =>
            x is not null && y is not null && Bits(x).SequenceEqual(Bits(y));

        public int GetHashCode(double[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }

        private static ReadOnlySpan<long> Bits(double[] values) => MemoryMarshal.Cast<double, long>(values.AsSpan());
    }
}
