namespace PerceptronApi.Core.Training;

/// <summary>
/// Where a run repeated itself: the running perceptron at the end of epoch <paramref name="To"/> is bit for bit the
/// state at the end of epoch <paramref name="From"/> (epoch 0 = the initial weights). The samples come in the same order
/// every epoch, so epochs <c>From + 1 .. To</c> would repeat forever.
/// </summary>
/// <param name="From">The earlier epoch whose end state came back.</param>
/// <param name="To">The epoch that ended in it again.</param>
public sealed record EpochCycle(int From, int To)
{
    /// <summary>The cycle in words, for a learner: what repeated, and what that proves.</summary>
    public string Explain() =>
        $"The weights at the end of epoch {To} are exactly those at the end of epoch {From}, and epoch {To} made updates: " +
        $"with the samples in the same order, {(To == From + 1 ? $"epoch {To}" : $"epochs {From + 1} to {To}")} would repeat forever without reaching an epoch " +
        "free of mistakes. By the perceptron convergence theorem the rule always reaches one on linearly separable data, " +
        "so these data are not linearly separable: no single perceptron classifies every sample right.";
}
