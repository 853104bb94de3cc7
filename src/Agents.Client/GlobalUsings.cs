global using System.Collections.Immutable;
global using Agents.Contracts.Jobs;
global using Agents.Contracts.Problems;
global using Agents.Contracts.Runs;
