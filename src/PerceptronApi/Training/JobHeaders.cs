using System.Globalization;

namespace PerceptronApi.Training;

/// <summary>The request headers the job routes read: <c>Prefer: wait=N</c> and <c>Last-Event-ID</c>.</summary>
internal static class JobHeaders
{
    /// <summary>The wait asked for with <c>Prefer: wait=N</c>, cut to the limit; null when none was asked.</summary>
    public static TimeSpan? PreferredWait(HttpRequest request, TrainingJobOptions limits)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // RFC 7240: tokens are case-insensitive and a preference may carry parameters after ';'.
                var parts = preference.Split(';', 2)[0].Split('=', 2, StringSplitOptions.TrimEntries);
                var digits = parts is [var name, var value] && name.Equals("wait", StringComparison.OrdinalIgnoreCase) ? value.Trim('"') : "";
                if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
                {
                    // Any number of seconds above the limit, however long, is cut to it.
                    var seconds = digits.Length > 9 ? limits.MaxWaitSeconds : Math.Min(int.Parse(digits, CultureInfo.InvariantCulture), limits.MaxWaitSeconds);
                    return TimeSpan.FromSeconds(seconds);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Where an event stream starts: after the epoch a reconnecting client names in <c>Last-Event-ID</c>, else at 0.
    /// Any id past the history (however many digits) resumes at its end. False when the header is not an epoch.
    /// </summary>
    public static bool TryReadResumePoint(HttpRequest request, out int from, out string lastEventId)
    {
        from = 0;
        lastEventId = "";
        if (request.Headers["Last-Event-ID"] is not { Count: > 0 } values || string.IsNullOrWhiteSpace(values[^1]))
        {
            return true;
        }

        lastEventId = values[^1]!.Trim();
        if (lastEventId.Length > 18 && lastEventId.All(char.IsAsciiDigit))
        {
            lastEventId = int.MaxValue.ToString(CultureInfo.InvariantCulture);
        }

        if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return false;
        }

        from = (int)Math.Min(last + 1, int.MaxValue);
        return true;
    }
}
