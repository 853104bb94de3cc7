using Agents.Dashboard.Components.Shared;
using Agents.Dashboard.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Agents.Dashboard.Tests;

/// <summary>Components with logic of their own, rendered with bUnit.</summary>
public sealed class ComponentTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public ComponentTests()
    {
        _ctx.Services.AddFluentUIComponents();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(0, 0, "0 / 0")]
    [InlineData(7, 20, "7 / 20 (35%)")]
    [InlineData(20, 20, "20 / 20 (100%)")]
    public void ProgressCell_ShowsFiguresInWords(int done, int total, string expected)
    {
        var cut = _ctx.Render<ProgressCell>(p => p.Add(c => c.Done, done).Add(c => c.Total, total).Add(c => c.Label, "Job progress"));

        Assert.Equal(expected, cut.Find("[data-testid=progress-text]").TextContent);
        Assert.Equal("Job progress", cut.Find("fluent-progress-bar").GetAttribute("aria-label"));
    }

    [Fact]
    public void Svg_ChainBars_IsANamedImageWithOneBarPerScore()
    {
        var chain = new ChainScores(2, 0.9, [0.8, 0.1]);

        var cut = _ctx.Render<Svg>(p => p.Add(c => c.Markup, Charts.ChainBars(chain)).Add(c => c.Label, "Chain 2"));

        var figure = cut.Find("figure[role=img]");
        Assert.Equal("Chain 2", figure.GetAttribute("aria-label"));
        Assert.NotNull(cut.Find("figure svg"));
        Assert.Contains("ORM", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("s2", cut.Markup, StringComparison.Ordinal);
    }

    public void Dispose() => _ctx.Dispose();
}
