using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>The checks of a backpropagation request (and that other algorithms leave the network's fields out).</summary>
internal static class NetworkValidation
{
    /// <summary>The most hidden layers a network may have.</summary>
    internal const int MaxHiddenLayers = 16;

    /// <summary>The most units a hidden layer may have (a host limits the total work further).</summary>
    internal const int MaxHiddenLayerSize = 4096;

    internal static void CheckOptions(TrainingOptions options, List<ValidationIssue> issues)
    {
        if (options.Activation is not (Activation.Step or Activation.Sigmoid))
        {
            issues.Add(new("activation", $"must be left out (or sigmoid) for backpropagation, whose units are sigmoid units (got {Validation.Name(options.Activation)})"));
        }

        if (options.Threshold is { } threshold)
        {
            issues.Add(new("threshold", $"must be left out for backpropagation: a sigmoid output is class 1 when it is at least 0.5 (got {Validation.Format(threshold)})"));
        }

        if (options.Shuffle)
        {
            issues.Add(new("shuffle", "must be false for backpropagation: every epoch is one full-batch step over all samples in their given order"));
        }

        if (options.InitialWeights is not null)
        {
            issues.Add(new("initialWeights", "applies to a single perceptron; give a network's starting weights as initialLayers"));
        }

        if (options.InitialLayers is null)
        {
            if (options.HiddenLayers.IsDefaultOrEmpty)
            {
                issues.Add(new("hiddenLayers", "must list the sizes of 1 or more hidden layers for backpropagation, e.g. [2]"));
            }
        }

        if (!options.HiddenLayers.IsDefault)
        {
            if (options.HiddenLayers.Length > MaxHiddenLayers)
            {
                issues.Add(new("hiddenLayers", $"must list at most {MaxHiddenLayers} layers (got {options.HiddenLayers.Length})"));
            }

            for (var l = 0; l < options.HiddenLayers.Length; l++)
            {
                if (options.HiddenLayers[l] is < 1 or > MaxHiddenLayerSize)
                {
                    issues.Add(new($"hiddenLayers[{l}]", $"must be between 1 and {MaxHiddenLayerSize} units (got {options.HiddenLayers[l]})"));
                }
            }
        }

        if (options.InitialLayers is { } layers)
        {
            CheckLayerShape(layers, options, issues);
        }

        if (options.TargetLoss is { } target && (!double.IsFinite(target) || target < 0))
        {
            issues.Add(new("targetLoss", $"must be a finite number of at least 0 (got {Validation.Format(target)})"));
        }
    }

    /// <summary>Other algorithms train one perceptron: the network's fields do not apply to them.</summary>
    internal static void CheckNetworkFieldsAbsent(TrainingOptions options, List<ValidationIssue> issues)
    {
        var algorithm = Validation.Name(options.Algorithm);
        if (!options.HiddenLayers.IsDefaultOrEmpty)
        {
            issues.Add(new("hiddenLayers", $"applies only to the backpropagation algorithm; leave it out for {algorithm}"));
        }

        if (options.InitialLayers is not null)
        {
            issues.Add(new("initialLayers", $"applies only to the backpropagation algorithm; for {algorithm} give initialWeights"));
        }

        if (options.TargetLoss is { } target)
        {
            issues.Add(new("targetLoss", $"applies only to the backpropagation algorithm; leave it out for {algorithm} (got {Validation.Format(target)})"));
        }
    }

    /// <summary>The first layer's units must read every input column.</summary>
    internal static void CheckInitialWidth(int columns, TrainingOptions options, List<ValidationIssue> issues)
    {
        if (options.InitialLayers is { IsDefaultOrEmpty: false } layers && !layers[0].IsDefaultOrEmpty)
        {
            for (var u = 0; u < layers[0].Length; u++)
            {
                if (layers[0][u] is { } unit && unit.InputWidth != columns)
                {
                    issues.Add(new($"initialLayers[0][{u}].weights", $"must have {columns} values, one per input column (got {unit.InputWidth})"));
                }
            }
        }
    }

    private static void CheckLayerShape(ImmutableArray<ImmutableArray<Perceptron>> layers, TrainingOptions options, List<ValidationIssue> issues)
    {
        if (layers.IsDefault || layers.Length < 2)
        {
            var count = layers.IsDefault ? 0 : layers.Length;
            issues.Add(new("initialLayers", $"must hold 1 or more hidden layers and the output layer (got {count} layer{(count == 1 ? "" : "s")})"));
            return;
        }

        for (var l = 0; l < layers.Length; l++)
        {
            if (layers[l].IsDefaultOrEmpty)
            {
                issues.Add(new($"initialLayers[{l}]", "must hold at least one unit"));
                return;
            }

            for (var u = 0; l > 0 && u < layers[l].Length; u++)
            {
                var width = layers[l - 1].Length;
                if (layers[l][u].InputWidth != width)
                {
                    issues.Add(new($"initialLayers[{l}][{u}].weights", $"must have {width} values, one per unit of initialLayers[{l - 1}] (got {layers[l][u].InputWidth})"));
                }
            }
        }

        if (layers[^1].Length != 1)
        {
            issues.Add(new($"initialLayers[{layers.Length - 1}]", $"must be the single output unit (got {layers[^1].Length} units)"));
        }

        var hidden = layers[..^1].Select(layer => layer.Length).ToArray();
        if (!options.HiddenLayers.IsDefaultOrEmpty && !options.HiddenLayers.SequenceEqual(hidden))
        {
            issues.Add(new("hiddenLayers", $"must match initialLayers' hidden layers ([{string.Join(", ", hidden)}]) or be left out (got [{string.Join(", ", options.HiddenLayers)}])"));
        }
    }
}
