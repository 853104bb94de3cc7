global using System.Collections.Immutable;
global using Agents.Client;
