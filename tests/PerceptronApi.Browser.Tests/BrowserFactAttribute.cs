namespace PerceptronApi.Browser.Tests;

/// <summary>
/// A test that needs Debian's Chromium. Without /usr/bin/chromium it is skipped with that reason, unless
/// REQUIRE_BROWSER=1 (CI installs Chromium and sets it), where a missing browser fails the test instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.IsRequired)
        {
            Skip = $"{Chromium.ExecutablePath} is not installed (apt-get install -y chromium; REQUIRE_BROWSER=1 makes this a failure)";
        }
    }
}

/// <summary>Where the browser is and how it is started.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool IsRequired => Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1";

    /// <summary>Headless, in a container without a sandbox, and quiet: no background traffic to any other host.</summary>
    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];
}
