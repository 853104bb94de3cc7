global using Agents.Contracts.Solving;
global using Microsoft.Extensions.AI;
global using Microsoft.Extensions.Logging;
