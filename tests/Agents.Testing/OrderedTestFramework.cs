using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Agents.Testing;

/// <summary>
/// xunit's own test framework with a fixed, switchable order, so a run can show that no test depends on others having
/// run first. xunit v2 orders test collections (each class without a <c>[Collection]</c> is its own) by an id drawn
/// afresh in each run, so its own order differs from run to run; this framework orders them by name instead: collections
/// by the first name of their classes, the classes that share a collection (and its fixture) by name, and the test cases
/// inside a class as xunit does. <c>AGENTS_TEST_ORDER=reverse</c> runs all three in exactly the reverse order. A test
/// project opts in with one assembly attribute:
/// <c>[assembly: TestFramework(OrderedTestFramework.TypeName, OrderedTestFramework.AssemblyName)]</c>.
/// </summary>
/// <remarks>
/// Collections run in parallel unless a project turns that off, so only the order they start in is set; pass
/// <c>-- xUnit.ParallelizeTestCollections=false</c> to <c>dotnet test</c> for one strict order. Collections defined
/// with <c>DisableParallelization</c> run after the parallel ones in either order.
/// </remarks>
public sealed class OrderedTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>Full name of this type, for the assembly attribute.</summary>
    public const string TypeName = "Agents.Testing.OrderedTestFramework";

    /// <summary>Name of the assembly holding this type, for the assembly attribute.</summary>
    public const string AssemblyName = "Agents.Testing";

    /// <summary>The environment variable that chooses the order: <c>reverse</c>, or unset (or <c>forward</c>) for name order.</summary>
    public const string Variable = "AGENTS_TEST_ORDER";

    /// <summary>Whether this process runs tests in reverse order.</summary>
    /// <exception cref="InvalidOperationException">The variable holds something other than <c>forward</c> or <c>reverse</c>.</exception>
    public static bool Reverse => Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "forward" => false,
        "reverse" => true,
        var other => throw new InvalidOperationException($"{Variable}='{other}': expected 'forward' or 'reverse'."),
    };

    /// <inheritdoc />
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private static string ClassOf(ITestCase testCase) => testCase.TestMethod.TestClass.Class.Name;

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            var reverse = Reverse;

            // Within a collection xunit runs classes in the order their first test case arrives: hand them over by name.
            var byClass = testCases.GroupBy(ClassOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
            var ordered = (reverse ? byClass.Reverse() : byClass).SelectMany(g => g).ToList();
            using var runner = new Runner(reverse, TestAssembly, ordered, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(
        bool reverse, ITestAssembly testAssembly, IReadOnlyList<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task AfterTestAssemblyStartingAsync()
        {
            // The base reads the orderers named by assembly attributes (xunit's defaults here); replace the collection
            // orderer and, in reverse, turn the test case orderer around.
            await base.AfterTestAssemblyStartingAsync();
            var names = testCases.GroupBy(c => c.TestMethod.TestClass.TestCollection.UniqueID)
                .ToDictionary(g => g.Key, g => g.Select(ClassOf).Min(StringComparer.Ordinal) ?? "");
            TestCollectionOrderer = new ByName(names, reverse);
            if (reverse)
            {
                TestCaseOrderer = new ReverseCases(TestCaseOrderer);
            }

            DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"{Variable}={(reverse ? "reverse" : "forward")}: {names.Count} collections, {testCases.Count} test cases."));
        }
    }

    private sealed class ByName(Dictionary<Guid, string> names, bool reverse) : ITestCollectionOrderer
    {
        public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
        {
            var ordered = testCollections.OrderBy(c => names.GetValueOrDefault(c.UniqueID, c.DisplayName), StringComparer.Ordinal).ToList();
            if (reverse)
            {
                ordered.Reverse();
            }

            return ordered;
        }
    }

    private sealed class ReverseCases(ITestCaseOrderer inner) : ITestCaseOrderer
    {
        // xunit runs a class's methods in the order their first case comes, so reverse the methods, then their cases.
        public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
            where TTestCase : ITestCase =>
            inner.OrderTestCases(testCases).GroupBy(c => c.TestMethod.Method.Name, StringComparer.Ordinal).Reverse()
                .SelectMany(g => g.Reverse()).ToList();
    }
}
