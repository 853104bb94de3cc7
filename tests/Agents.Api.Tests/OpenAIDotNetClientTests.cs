using System.ClientModel;
using System.Text;
using Agents.Core.Simulation;
using OpenAI;
using OpenAI.Chat;

namespace Agents.Api.Tests;

/// <summary>The OpenAI .NET SDK (2.15.0) against the gateway: models, a completion, a stream, a 400 and a 401.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenAIDotNetClientTests(GatewayFixture fixture)
{
    private OpenAIClient Client(string key = GatewayFixture.Key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = fixture.Host.V1, NetworkTimeout = TimeSpan.FromMinutes(3) });

    [Fact]
    public async Task DotNetClient_ListModels_EveryStrategyOnSim()
    {
        var models = await Client().GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal(
            ["cot:sim", "sc@8:sim", "bok@8:sim", "rmv@8:sim", "self-refine:sim", "magicore:sim", "iort:sim", "spc-search:sim"],
            models.Value.Select(m => m.Id));
    }

    [Theory]
    [InlineData("sc@8:sim")]
    [InlineData("magicore:sim")]
    public async Task DotNetClient_StreamAndComplete_SameAnswerAndUsage(string model)
    {
        var chat = Client().GetChatClient(model);
        var problem = SyntheticProblems.GenerateOne(21, 1).Question;
        var options = new ChatCompletionOptions { Seed = 9 };

        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage(problem)], options);
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(problem)], options))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(ChatFinishReason.Stop, whole.FinishReason);
        Assert.Contains("\\boxed{", whole.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(model, whole.Model);
        Assert.True(updates > 3, $"{updates} updates");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.NotNull(usage);
        Assert.Equal((whole.Usage.InputTokenCount, whole.Usage.OutputTokenCount), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.True(whole.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task DotNetClient_UnknownStrategy_400()
    {
        var chat = Client().GetChatClient("best-of-everything:sim");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("unknown strategy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotNetClient_WrongKey_401()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("wrong").GetOpenAIModelClient().GetModelsAsync());

        Assert.Equal(401, error.Status);
    }
}
