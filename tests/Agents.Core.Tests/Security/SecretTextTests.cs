using Agents.Core.Security;

namespace Agents.Core.Tests.Security;

public sealed class SecretTextTests
{
    [Theory]
    [InlineData("127.0.0.1:6379,password=hunter2")]
    [InlineData("redis://127.0.0.1:6379?password=hunter2")]
    [InlineData("redis://:hunter2@127.0.0.1:6379")]
    [InlineData("openai:http://user:key@10.0.0.5:8000/v1#m")]
    [InlineData("openai:http://10.0.0.5/v1?api_key=abc#m")]
    [InlineData("token=abc")]
    [InlineData("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX")]
    [InlineData("Authorization: Bearer abcdefghijklmnop")]
    public void LooksSecret_CredentialShapes_True(string text) => Assert.True(SecretText.LooksSecret(text));

    [Theory]
    [InlineData("sim")]
    [InlineData("openai:http://127.0.0.1:8000/v1#Qwen2.5-7B")]
    [InlineData("redis://127.0.0.1:6379")]
    [InlineData("replay:/data/run.jsonl")]
    [InlineData("mode=paper")]
    [InlineData("")]
    public void LooksSecret_PlainSpecs_False(string text) => Assert.False(SecretText.LooksSecret(text));

    [Fact]
    public void Quote_SecretText_WithholdsIt()
    {
        var quoted = SecretText.Quote("127.0.0.1:6379,password=hunter2");

        Assert.Equal(SecretText.Withheld, quoted);
        Assert.DoesNotContain("hunter2", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_LongText_IsCut()
    {
        var quoted = SecretText.Quote(new string('a', 5000), maxLength: 10);

        Assert.Equal("'aaaaaaaaaa…' (5000 characters)", quoted);
    }
}
