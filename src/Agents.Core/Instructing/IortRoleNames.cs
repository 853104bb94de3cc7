namespace Agents.Core.Instructing;

/// <summary>Names of the IoRT roles in run ledgers, transcripts and step keys.</summary>
public static class IortRoleNames
{
    /// <summary>Ledger role of the Meta-Thinker.</summary>
    public const string MetaThinker = "meta-thinker";

    /// <summary>Ledger role of the Generator (initial response and refreshes).</summary>
    public const string Generator = "generator";

    /// <summary>Ledger role of the Reflector (critique and revision calls).</summary>
    public const string Reflector = "reflector";

    /// <summary>Ledger role of the Instructor.</summary>
    public const string Instructor = "instructor";

    /// <summary>The ledger role a call is booked to.</summary>
    public static string Ledger(IortRole role) => role switch
    {
        IortRole.MetaThinker => MetaThinker,
        IortRole.Generator => Generator,
        IortRole.Instructor => Instructor,
        _ => Reflector,
    };

    /// <summary>The call's name in step keys and seeds: the ledger role, with the Reflector's two calls told apart.</summary>
    public static string Call(IortRole role) => role switch
    {
        IortRole.ReflectorCritique => "critique",
        IortRole.ReflectorRevision => "revision",
        _ => Ledger(role),
    };

    /// <summary>The count of a role's calls in <paramref name="counts"/>.</summary>
    public static int Count(IortCallCounts counts, string ledgerRole)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return ledgerRole switch
        {
            MetaThinker => counts.MetaThinker,
            Generator => counts.Generator,
            Reflector => counts.Reflector,
            Instructor => counts.Instructor,
            _ => 0,
        };
    }

    /// <summary>The instruction as recorded in run details: select, stop, refresh or copied-forward.</summary>
    public static string Instruction(IortInstruction instruction) => instruction switch
    {
        IortInstruction.Select => "select",
        IortInstruction.Stop => "stop",
        IortInstruction.Refresh => "refresh",
        _ => "copied-forward",
    };
}
