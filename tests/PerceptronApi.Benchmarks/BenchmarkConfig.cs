using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PerceptronApi.Benchmarks;

/// <summary>One short job (a few seconds per benchmark on 2 cores) and a throughput column.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7)
            .WithId("Short"));
        AddColumn(new ThroughputColumn());
        AddColumn(StatisticColumn.Median);
        WithOptions(ConfigOptions.JoinSummary);
    }

    /// <summary>Million samples·epochs per second (train), rows per second (predict), or GB/s (array sum).</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => nameof(ThroughputColumn);

        public string ColumnName => "Throughput";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Train: million samples·epochs/s; Predict: million rows/s; Bandwidth: GB/s read";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "-";
            }

            var seconds = statistics.Median / 1e9;
            var samples = (int)benchmarkCase.Parameters["Samples"];
            var category = benchmarkCase.Descriptor.Categories.FirstOrDefault();
            return category switch
            {
                "Train" => $"{samples * (double)TrainingBenchmarks.Epochs / seconds / 1e6:F1} M/s",
                "Predict" => $"{samples / seconds / 1e6:F1} M/s",
                _ => $"{samples * (double)BenchmarkData.Features * sizeof(double) / seconds / 1e9:F2} GB/s",
            };
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
