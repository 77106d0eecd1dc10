namespace PerceptronApi.Core.Model;

/// <summary>The function that turns a unit's net input <c>z</c> into its output.</summary>
public enum Activation
{
    /// <summary><c>1</c> if <c>z &gt;= θ</c>, else <c>0</c> (default θ 0.5, the tutorial's gate convention).</summary>
    Step,

    /// <summary><c>1</c> if <c>z &gt;= θ</c>, else <c>-1</c> (default θ 0).</summary>
    Sign,

    /// <summary>The identity: the output is <c>z</c>; its class is <c>step(z)</c> with θ 0.5.</summary>
    Linear,

    /// <summary>The logistic function <c>1/(1+e^-z)</c>; its class is <c>output &gt;= 0.5</c>.</summary>
    Sigmoid,
}
