using Agents.Inference.Backends;
using Agents.Inference.Serving;

namespace Agents.Inference.Tests;

public sealed class OptionsSecrecyTests
{
    private const string Key = "sk-test-SECRET-0123456789";

    [Fact]
    public void ToString_OpenAIOptions_OmitsKey()
    {
        var options = new OpenAICompatibleOptions { Endpoint = new Uri("http://127.0.0.1:1/v1"), Model = "m", ApiKey = Key };

        Assert.DoesNotContain(Key, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_SimServerOptions_OmitsKey()
    {
        var options = new SimServerOptions { ApiKey = Key };

        Assert.DoesNotContain("SECRET", options.ToString(), StringComparison.Ordinal);
    }
}
