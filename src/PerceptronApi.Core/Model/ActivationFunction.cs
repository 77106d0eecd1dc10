namespace PerceptronApi.Core.Model;

/// <summary>An activation with its threshold θ (only <see cref="Activation.Step"/> and <see cref="Activation.Sign"/> have one).</summary>
public readonly record struct ActivationFunction
{
    /// <summary>The threshold the tutorial uses for its gates: output 1 when <c>z &gt;= 0.5</c>.</summary>
    public const double StepDefaultThreshold = 0.5;

    /// <summary>The usual threshold of the sign function.</summary>
    public const double SignDefaultThreshold = 0.0;

    /// <summary>The step activation with θ 0.5, as in the tutorial.</summary>
    public static ActivationFunction DefaultStep { get; } = new(Activation.Step, StepDefaultThreshold);

    private ActivationFunction(Activation kind, double? threshold)
    {
        Kind = kind;
        Threshold = threshold;
    }

    /// <summary>Which function this is.</summary>
    public Activation Kind { get; }

    /// <summary>θ for step and sign; <see langword="null"/> for linear and sigmoid.</summary>
    public double? Threshold { get; }

    /// <summary>The default θ of an activation, <see langword="null"/> where it has none.</summary>
    public static double? DefaultThreshold(Activation kind) => kind switch
    {
        Activation.Step => StepDefaultThreshold,
        Activation.Sign => SignDefaultThreshold,
        Activation.Linear or Activation.Sigmoid => null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

    /// <summary>Creates an activation; a missing threshold takes the activation's default.</summary>
    /// <exception cref="ArgumentException">The threshold is not finite, or is given for linear or sigmoid.</exception>
    public static ActivationFunction Create(Activation kind, double? threshold = null)
    {
        var defaultThreshold = DefaultThreshold(kind);
        if (threshold is { } t)
        {
            if (defaultThreshold is null)
            {
                throw new ArgumentException($"The {kind.ToString().ToLowerInvariant()} activation takes no threshold (got {t}).", nameof(threshold));
            }

            if (!double.IsFinite(t))
            {
                throw new ArgumentException($"The threshold must be a finite number (got {t}).", nameof(threshold));
            }
        }

        return new ActivationFunction(kind, threshold ?? defaultThreshold);
    }

    /// <summary>The output for net input <paramref name="z"/>. The comparison is <c>&gt;=</c>.</summary>
    public double Output(double z) => Kind switch
    {
        Activation.Step => z >= Threshold!.Value ? 1.0 : 0.0,
        Activation.Sign => z >= Threshold!.Value ? 1.0 : -1.0,
        Activation.Linear => z,
        Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-z)),
        _ => throw new InvalidOperationException("Unknown activation."),
    };

    /// <summary>
    /// The class the output stands for, in the activation's label set: 0/1, or −1/1 for sign.
    /// Linear output is classed by <c>z &gt;= 0.5</c>, sigmoid output by <c>output &gt;= 0.5</c>.
    /// </summary>
    public double Classify(double z) => Kind switch
    {
        Activation.Step => z >= Threshold!.Value ? 1.0 : 0.0,
        Activation.Sign => z >= Threshold!.Value ? 1.0 : -1.0,
        Activation.Linear => z >= StepDefaultThreshold ? 1.0 : 0.0,
        Activation.Sigmoid => Output(z) >= 0.5 ? 1.0 : 0.0,
        _ => throw new InvalidOperationException("Unknown activation."),
    };

    /// <summary>The two labels this activation's classes take: (0, 1), or (−1, 1) for sign.</summary>
    public (double Negative, double Positive) Labels => Kind == Activation.Sign ? (-1.0, 1.0) : (0.0, 1.0);

    /// <summary>Whether <paramref name="label"/> is one of <see cref="Labels"/>.</summary>
    public bool IsLabel(double label) => label == Labels.Negative || label == Labels.Positive;
}
