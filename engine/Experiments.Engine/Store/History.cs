using System.Text.Json;
using Experiments.Engine.Keys;

namespace Experiments.Engine.Store;

/// <summary>
/// The last key description of every node of an experiment, by node id: what `exp status` and
/// `exp why` compare against to say which input changed. One small file per experiment, read
/// once and rewritten only when something changed. It explains; it never decides what runs.
/// </summary>
public sealed class History
{
    private readonly ContentStore _store;
    private readonly string _experiment;
    private readonly Dictionary<string, string> _entries;
    private bool _changed;

    private History(ContentStore store, string experiment, Dictionary<string, string> entries)
    {
        _store = store;
        _experiment = experiment;
        _entries = entries;
    }

    public static History Load(ContentStore store, string experiment)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        string path = store.HistoryPath(experiment);
        if (File.Exists(path))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    entries[property.Name] = property.Value.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Written atomically; a damaged file only costs explanations.
            }
        }
        return new History(store, experiment, entries);
    }

    public KeyDescription? Previous(string nodeId)
    {
        lock (_entries)
        {
            return _entries.TryGetValue(nodeId, out string? json) ? KeyDescription.Parse(json) : null;
        }
    }

    public void Record(string nodeId, KeyDescription description)
    {
        string json = description.CanonicalJson;
        lock (_entries)
        {
            if (!_entries.TryGetValue(nodeId, out string? existing) || existing != json)
            {
                _entries[nodeId] = json;
                _changed = true;
            }
        }
    }

    public void Save()
    {
        if (!_changed)
        {
            return;
        }
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            lock (_entries)
            {
                foreach ((string id, string json) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(id, json);
                }
            }
            writer.WriteEndObject();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_store.HistoryPath(_experiment))!);
        AtomicFile.Write(_store.HistoryPath(_experiment), buffer.ToArray(), _store.Temp);
        _changed = false;
    }
}
