namespace Agents.Inference;

/// <summary>Turns model specs into chat clients, one shared client per spec.</summary>
public interface IModelRegistry
{
    /// <summary>The client for a spec (see <see cref="ModelSpec.AcceptedForms"/>); the same instance for the same spec.</summary>
    IChatClient Resolve(string spec);
}
