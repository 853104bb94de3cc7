global using System.Collections.Immutable;
global using Agents.Contracts.Problems;
global using Agents.Contracts.Solving;
