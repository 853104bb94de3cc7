global using System.Collections.Immutable;
global using Agents.Contracts.Jobs;
global using Agents.Contracts.Runs;
global using Agents.Grains.Jobs;
