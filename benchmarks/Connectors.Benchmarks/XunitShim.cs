namespace Connectors.Tests;

/// <summary>
/// The one xunit type the linked <c>LocalSftpServer</c> uses (it is an xunit fixture): the same two methods as
/// xunit 2's <c>Xunit.IAsyncLifetime</c>, so the benchmark can start and stop the server without referencing xunit.
/// </summary>
internal interface IAsyncLifetime
{
    Task InitializeAsync();

    Task DisposeAsync();
}
