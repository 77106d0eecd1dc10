using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace PerceptronApi.Browser.Tests;

/// <summary>
/// The service on a real loopback port (Kestrel, not the in-memory test server) and one headless Chromium for every
/// test of the collection; each test opens its own browser context.
/// </summary>
public sealed class PageServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PageServer() => UseKestrel(0);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Screenshots land here (the test output folder), to be looked at and copied into docs/images.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException($"Chromium did not start: is {Chromium.ExecutablePath} installed?");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Log:Format", "text");
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled && !Chromium.IsRequired)
        {
            return;
        }

        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Arguments,
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
    }

    /// <summary>Opens the page in a fresh context of the given size and watches what it logs and requests.</summary>
    public async Task<PageSession> OpenAsync(string path = "", int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseAddress.ToString(),
        });
        var page = await context.NewPageAsync();
        var session = new PageSession(context, page, BaseAddress);
        await page.GotoAsync(path);
        try
        {
            await page.WaitForSelectorAsync("body[data-ready=true]", new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"The page did not get ready. It logged: {string.Join(" | ", session.ConsoleErrors)}", exception);
        }

        return session;
    }
}

/// <summary>One open page: its console errors, uncaught exceptions and every request it made.</summary>
public sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _origin;

    public PageSession(IBrowserContext context, IPage page, Uri origin)
    {
        _context = context;
        _origin = origin;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Add($"uncaught: {error}");
        page.Request += (_, request) => Requests.Add(request.Url);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 || !response.Headers.ContainsKey("content-type"))
            {
                ConsoleErrors.Add($"response {response.Status} without a type or failed: {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public ConcurrentBag<string> ConsoleErrors { get; } = [];

    public ConcurrentBag<string> Requests { get; } = [];

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    /// <summary>The page logged no error or warning and asked nothing of another origin.</summary>
    public void AssertCleanAndSameOrigin()
    {
        Assert.Empty(ConsoleErrors);
        var origin = _origin.GetLeftPart(UriPartial.Authority);
        Assert.All(Requests, url => Assert.StartsWith(origin + "/", url, StringComparison.Ordinal));
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageServer.ScreenshotFolder, name), FullPage = true });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PageTests : ICollectionFixture<PageServer>
{
    public const string Name = "page";
}
