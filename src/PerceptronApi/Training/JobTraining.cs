using System.Text.Json;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Training;
using PerceptronApi.Models;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// Runs a plan with the core trainer it needs — one perceptron, or a network by backpropagation — writing each epoch
/// record as JSON the moment it is made, and gives the job's result.
/// </summary>
internal static class JobTraining
{
    /// <summary>
    /// Trains; the result's stop reason is <see cref="StopReason.Canceled"/> when the token stopped it. A traced plan
    /// hands each epoch's steps to <paramref name="trace"/> as JSON, just before that epoch's record.
    /// </summary>
    public static JobResult Run(TrainingPlan plan, Action<JobRecord> write, Action<JobRecord> trace, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (plan.Options.Algorithm == TrainingAlgorithm.Backpropagation)
        {
            var network = NetworkTrainer.Train(
                plan.Data,
                plan.Options,
                record => write(new JobRecord(record.Epoch, JsonSerializer.SerializeToUtf8Bytes(NetworkRecordDto.From(record), json))),
                cancellationToken);
            return new JobResult(null, null, network.Converged, network.StopReason, network.Epochs, network.Errors, network.Accuracy, network.Loss, Layers: ModelMapping.ToLayers(network.Model), Classes: plan.Classes?.Classes);
        }

        if (plan.Classes is { IsOneVsRest: true } classes)
        {
            var ovr = OneVsRestTrainer.Train(
                plan.Data.Inputs,
                classes,
                plan.Options,
                record => write(new JobRecord(record.Epoch, JsonSerializer.SerializeToUtf8Bytes(record, json))),
                cancellationToken);
            var units = ovr.Units.Select(unit => new ClassUnitDto(unit.Class, unit.Bias, unit.Weights, unit.Converged, unit.StopReason, Cycle(unit.Cycle))).ToList();
            return new JobResult(null, null, ovr.Converged, ovr.StopReason, ovr.Epochs, ovr.Errors, ovr.Accuracy, ovr.Loss, Classes: ovr.Classes, Units: units);
        }

        // Binary, or two classes: one unit on the labels mapped to the label set (classes[1] positive).
        var r = Trainer.Train(
            plan.Data,
            plan.Options,
            record => write(new JobRecord(record.Epoch, JsonSerializer.SerializeToUtf8Bytes(record, json))),
            steps => trace(new JobRecord(steps.Epoch, JsonSerializer.SerializeToUtf8Bytes(steps, json))),
            cancellationToken);
        return new JobResult(
            r.Model.Bias,
            r.Model.Weights,
            r.Converged,
            r.StopReason,
            r.Epochs,
            r.Errors,
            r.Accuracy,
            r.Loss,
            Cycle(r.Cycle),
            r.Explanation,
            Classes: plan.Classes?.Classes);
    }

    private static CycleDto? Cycle(EpochCycle? cycle) => cycle is null ? null : new CycleDto(cycle.From, cycle.To);
}

/// <summary>A network's epoch record as JSON shows it: every layer's units, then the epoch's numbers.</summary>
/// <param name="Epoch">0 for the initial network, then 1, 2, ...</param>
/// <param name="Layers">Every layer's units after this epoch, in the shape of "layers".</param>
/// <param name="Updates">0 at epoch 0, else 1 (one full-batch step per epoch).</param>
/// <param name="Errors">Samples whose class (output ≥ 0.5 → 1) is wrong.</param>
/// <param name="Accuracy">1 − errors / samples.</param>
/// <param name="Loss">1/(2M) Σ (ŷ − y)².</param>
public sealed record NetworkRecordDto(int Epoch, IReadOnlyList<IReadOnlyList<UnitDto>> Layers, int Updates, int Errors, double Accuracy, double Loss)
{
    internal static NetworkRecordDto From(NetworkEpochRecord record) =>
        new(record.Epoch, [.. record.Layers.Select(layer => (IReadOnlyList<UnitDto>)[.. layer.Select(UnitDto.From)])], record.Updates, record.Errors, record.Accuracy, record.Loss);
}
