namespace Connectors.Connectors;

/// <summary>Settings of a connector type that check themselves; problems are keyed by field (<c>settings.x</c>).</summary>
public interface IConnectorSettings
{
    Dictionary<string, string[]> Validate(string type);
}
