using System.Runtime.InteropServices;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

/// <summary>The sample blocks start on a cache line, wherever the runtime put their array.</summary>
public sealed class SampleBlocksAlignmentTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1_000)]
    [InlineData(200_000)]
    public void TheFirstAlignedElement_IsOnA64ByteBoundary_WithinTheSevenValuesOfRoom(int length)
    {
        // Arrays of several sizes, and several of each so their starts differ (objects are 8-byte aligned only).
        for (var i = 0; i < 16; i++)
        {
            var array = new double[length + 7];
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            try
            {
                var start = SampleBlocks.AlignedStart(array);
                var address = (long)handle.AddrOfPinnedObject();
                Assert.InRange(start, 0, 7);
                Assert.Equal(0, (address + (start * sizeof(double))) % 64);
            }
            finally
            {
                handle.Free();
            }
        }
    }
}
