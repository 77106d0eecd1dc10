using CsCheck;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Tests.Model;

public class BatchPredictTests
{
    [Fact]
    public void Predict_AnyBatch_GivesEachRowsNetInputBitForBit()
    {
        Gen.Select(Gen.Int[0, 37], Gen.Int[1, 25], Gen.Int, (m, n, seed) => (m, n, seed)).Sample(c =>
        {
            var random = new Random(c.seed);
            var values = Enumerable.Range(0, c.m * c.n).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
            var unit = new Perceptron((random.NextDouble() * 2) - 1, Enumerable.Range(0, c.n).Select(_ => (random.NextDouble() * 2) - 1).ToArray());
            var inputs = Matrix.FromRowMajor(values, c.m, c.n);

            var batch = Predictor.Predict(new Network(unit, ActivationFunction.DefaultStep), inputs);

            for (var r = 0; r < c.m; r++)
            {
                var z = unit.NetInput(inputs.Row(r));
                Assert.Equal(BitConverter.DoubleToInt64Bits(z), BitConverter.DoubleToInt64Bits(batch.NetInputs[r]));
                Assert.Equal(ActivationFunction.DefaultStep.Output(z), batch.Outputs[r]);
                Assert.Equal(ActivationFunction.DefaultStep.Classify(z), batch.Classes[r]);
            }
        }, iter: 300);
    }
}
