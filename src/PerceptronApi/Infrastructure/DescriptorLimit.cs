using System.Globalization;

namespace PerceptronApi.Infrastructure;

/// <summary>The process's limit on open file descriptors (<c>ulimit -n</c>), where the system tells it.</summary>
internal static class DescriptorLimit
{
    /// <summary>The soft limit on open files, or null where it is unknown or unlimited (not Linux, no /proc).</summary>
    public static long? SoftLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // "Max open files            1024                 1048576              files"
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
