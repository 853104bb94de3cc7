using Agents.Testing;

// Test classes run in name order, or in reverse when AGENTS_TEST_ORDER=reverse (docs/testing.md).
[assembly: TestFramework(OrderedTestFramework.TypeName, OrderedTestFramework.AssemblyName)]
