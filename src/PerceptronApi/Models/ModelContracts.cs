using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Models;

/// <summary>One perceptron: the bias <c>w0</c> (weight of the constant input x0 = 1) and the weights w1..wn.</summary>
/// <param name="Bias">The bias w0.</param>
/// <param name="Weights">The weights w1..wn, one per input.</param>
public sealed record UnitDto(
    [property: JsonRequired] double Bias,
    [property: JsonRequired] IReadOnlyList<double> Weights)
{
    /// <summary>The JSON form of a core unit.</summary>
    public static UnitDto From(Perceptron unit) => new(unit.Bias, unit.Weights);

    /// <summary>The core unit; the caller has checked the weights are present and finite.</summary>
    public Perceptron ToPerceptron() => new(Bias, Weights.ToImmutableArray());
}

/// <summary>Maps networks between the core and their JSON form.</summary>
internal static class ModelMapping
{
    public static IReadOnlyList<IReadOnlyList<UnitDto>> ToLayers(Network network) =>
        [.. network.Layers.Select(layer => (IReadOnlyList<UnitDto>)[.. layer.Select(UnitDto.From)])];

    public static ImmutableArray<ImmutableArray<Perceptron>> FromLayers(IReadOnlyList<IReadOnlyList<UnitDto>> layers) =>
        [.. layers.Select(layer => layer.Select(unit => unit.ToPerceptron()).ToImmutableArray())];

    /// <summary>The contract's name of an enum value, as JSON writes it: <c>step</c>, <c>pocket</c>, <c>running</c>.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        EnumNames<TEnum>.Values.TryGetValue(value, out var name) ? name : JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    // Computed once per enum: responses name an activation or a status on every request.
    private static class EnumNames<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> Values =
            Enum.GetValues<TEnum>().ToFrozenDictionary(value => value, value => JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
    }
}
