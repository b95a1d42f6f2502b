using System.Collections;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Build.Framework;

namespace Experiments.Tasks;

/// <summary>
/// Writes an experiment declared as MSBuild items into the items file the <c>exp</c> CLI reads.
/// Metadata values stay DSL value text (the CLI parses them). Positions come from the project file
/// that defined each item, loaded with line information.
/// </summary>
/// <remarks>
/// Step metadata: <c>Kind</c> (required), <c>Category</c> (default <c>data</c>), <c>Input</c> (the
/// first positional input) or <c>Inputs="a;b"</c> (several); every other metadata is a named
/// parameter whose name is snake_cased (<c>LabelNoise</c> → <c>label_noise</c>).
/// </remarks>
internal static class ItemsWriter
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "Kind", "Category", "Input", "Inputs" };

    public static string Write(string projectFile, string name, string? seed, ITaskItem[] steps, ITaskItem[] parameters, ITaskItem[] gates, ITaskItem[] sweeps)
    {
        var locator = new ElementLocator(projectFile);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("experiment", name);
            json.WriteString("file", projectFile);
            if (long.TryParse(seed, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long seedValue))
            {
                json.WriteNumber("seed", seedValue);
            }

            json.WriteStartArray("params");
            foreach (ITaskItem item in parameters)
            {
                XElement? element = locator.Find(item, "Param");
                json.WriteStartObject();
                json.WriteString("name", item.ItemSpec);
                json.WriteString("value", item.GetMetadata("Value"));
                WritePosition(json, locator, item, Attribute(element, "Value") ?? (IXmlLineInfo?)element);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("steps");
            foreach (ITaskItem item in steps)
            {
                XElement? element = locator.Find(item, "Step");
                json.WriteStartObject();
                json.WriteString("name", item.ItemSpec);
                json.WriteString("category", item.GetMetadata("Category"));
                json.WriteString("kind", item.GetMetadata("Kind"));
                WritePosition(json, locator, item, element);
                json.WriteStartArray("arguments");
                var inputs = new List<(string Name, string Value)>();
                if (item.GetMetadata("Input") is { Length: > 0 } input)
                {
                    inputs.Add(("Input", input));
                }
                foreach (string more in item.GetMetadata("Inputs").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    inputs.Add(("Inputs", more));
                }
                foreach ((string metadata, string value) in inputs)
                {
                    WriteArgument(json, locator, item, null, value, Locate(element, metadata));
                }
                foreach (string metadata in MetadataInSourceOrder(item, element))
                {
                    WriteArgument(json, locator, item, SnakeCase(metadata), item.GetMetadata(metadata), Locate(element, metadata));
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("gates");
            foreach (ITaskItem item in gates)
            {
                XElement? element = locator.Find(item, "Gate");
                foreach ((string metadata, string op) in new[] { ("Min", ">="), ("Max", "<=") })
                {
                    if (item.GetMetadata(metadata) is not { Length: > 0 } threshold)
                    {
                        continue;
                    }
                    json.WriteStartObject();
                    json.WriteString("target", item.ItemSpec);
                    json.WriteString("operator", op);
                    json.WriteString("threshold", threshold);
                    WritePosition(json, locator, item, Locate(element, metadata));
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();

            // <Sweep Include="random" N="8" /> is `sweep random(8)`: the sampler and its argument.
            json.WriteStartArray("samplers");
            foreach (ITaskItem item in sweeps)
            {
                XElement? element = locator.Find(item, "Sweep");
                json.WriteStartObject();
                json.WriteString("sampler", item.ItemSpec);
                json.WriteString("n", item.GetMetadata("N"));
                WritePosition(json, locator, item, Attribute(element, "N") ?? (IXmlLineInfo?)element);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary><c>LabelNoise</c> → <c>label_noise</c>, <c>Train</c> → <c>train</c>; already snake_cased names stay.</summary>
    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                || (i + 1 < name.Length && char.IsUpper(name[i - 1]) && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    private static IEnumerable<string> MetadataInSourceOrder(ITaskItem item, XElement? element)
    {
        var names = new List<string>();
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            string metadata = (string)entry.Key;
            if (!Reserved.Contains(metadata) && item.GetMetadata(metadata).Length > 0)
            {
                names.Add(metadata);
            }
        }
        if (element is null)
        {
            return names.OrderBy(n => n, StringComparer.Ordinal);
        }
        var order = element.Attributes().Select(a => a.Name.LocalName)
            .Concat(element.Elements().Select(e => e.Name.LocalName))
            .Select((n, i) => (n, i))
            .GroupBy(p => p.n, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
        return names.OrderBy(n => order.TryGetValue(n, out int i) ? i : int.MaxValue).ThenBy(n => n, StringComparer.Ordinal);
    }

    private static void WriteArgument(Utf8JsonWriter json, ElementLocator locator, ITaskItem item, string? name, string value, IXmlLineInfo? position)
    {
        json.WriteStartObject();
        if (name is null)
        {
            json.WriteNull("name");
        }
        else
        {
            json.WriteString("name", name);
        }
        json.WriteString("value", value);
        WritePosition(json, locator, item, position, withFile: false);
        json.WriteEndObject();
    }

    private static void WritePosition(Utf8JsonWriter json, ElementLocator locator, ITaskItem item, IXmlLineInfo? position, bool withFile = true)
    {
        if (withFile)
        {
            json.WriteString("file", locator.DefiningFile(item));
        }
        if (position is not null && position.HasLineInfo())
        {
            json.WriteNumber("line", position.LineNumber);
            json.WriteNumber("column", position.LinePosition);
        }
    }

    private static IXmlLineInfo? Locate(XElement? element, string metadata) =>
        (IXmlLineInfo?)Attribute(element, metadata)
        ?? element?.Elements().FirstOrDefault(e => string.Equals(e.Name.LocalName, metadata, StringComparison.OrdinalIgnoreCase))
        ?? element;

    private static XAttribute? Attribute(XElement? element, string name) =>
        element?.Attributes().FirstOrDefault(a => string.Equals(a.Name.LocalName, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds the element that declared an item: the n-th <c>&lt;Step Include="x"&gt;</c> of the file that defined it.</summary>
    private sealed class ElementLocator(string projectFile)
    {
        private readonly Dictionary<string, XDocument?> _documents = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string, string), int> _seen = [];

        public string DefiningFile(ITaskItem item) =>
            item.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } path ? path : projectFile;

        public XElement? Find(ITaskItem item, string elementName)
        {
            string file = DefiningFile(item);
            if (!_documents.TryGetValue(file, out XDocument? document))
            {
                try
                {
                    document = XDocument.Load(file, LoadOptions.SetLineInfo);
                }
                catch (Exception e) when (e is IOException or XmlException or UnauthorizedAccessException)
                {
                    document = null;
                }
                _documents[file] = document;
            }
            if (document?.Root is null)
            {
                return null;
            }
            var matches = document.Root.Descendants()
                .Where(e => e.Name.LocalName == elementName
                    && e.Attribute("Include") is { } include
                    && include.Value.Split(';', StringSplitOptions.TrimEntries).Contains(item.ItemSpec, StringComparer.Ordinal))
                .ToList();
            var key = (file, elementName, item.ItemSpec);
            int index = _seen.TryGetValue(key, out int n) ? n : 0;
            _seen[key] = index + 1;
            return matches.Count == 0 ? null : matches[Math.Min(index, matches.Count - 1)];
        }
    }
}
