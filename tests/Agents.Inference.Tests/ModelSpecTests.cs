namespace Agents.Inference.Tests;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData("sim")]
    [InlineData(" SIM ")]
    public void Parse_Sim_ReturnsSim(string spec) => Assert.Equal(ModelSpecKind.Sim, ModelSpec.Parse(spec).Kind);

    [Fact]
    public void Parse_OpenAI_SplitsUrlAndModel()
    {
        var spec = ModelSpec.Parse("openai:http://127.0.0.1:8000/v1#Qwen2.5-7B");

        Assert.Equal(ModelSpecKind.OpenAI, spec.Kind);
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1"), spec.Endpoint);
        Assert.Equal("Qwen2.5-7B", spec.Model);
        Assert.Equal("openai:http://127.0.0.1:8000/v1#Qwen2.5-7B", spec.ToString());
    }

    [Theory]
    [InlineData("gguf:/models/qwen.gguf", ModelSpecKind.Gguf, "/models/qwen.gguf")]
    [InlineData("replay:runs/r1.jsonl", ModelSpecKind.Replay, "runs/r1.jsonl")]
    public void Parse_FileSpecs_KeepPath(string text, ModelSpecKind kind, string path)
    {
        var spec = ModelSpec.Parse(text);

        Assert.Equal(kind, spec.Kind);
        Assert.Equal(path, spec.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpt4")]
    [InlineData("openai:http://127.0.0.1:8000/v1")]
    [InlineData("openai:http://127.0.0.1:8000/v1#")]
    [InlineData("openai:not a url#m")]
    [InlineData("openai:ftp://host/v1#m")]
    [InlineData("gguf:")]
    [InlineData("vllm:http://x#m")]
    public void Parse_BadSpec_ThrowsNamingSpecAndForms(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelSpec.Parse(text));

        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("openai:URL#MODEL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CredentialsInUrl_RejectedWithoutEchoingThem()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelSpec.Parse("openai:http://user:hunter2@host/v1#m"));

        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AGENTS_OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
    }
}
