using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RqVae.Cli.Options;

/// <summary>
/// Reads the summaries of the library's XML documentation (RqVae.xml, copied beside the tool by the
/// build), so option help repeats the library's own words instead of a second copy that drifts.
/// </summary>
internal static partial class XmlDocs
{
    private static readonly Lazy<Dictionary<string, string>> Summaries = new(Load);

    /// <summary>The one-line summary of <paramref name="property"/>, or null when the documentation file is absent.</summary>
    public static string? Summary(PropertyInfo property)
        => Summaries.Value.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static Dictionary<string, string> Load()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.Combine(AppContext.BaseDirectory, "RqVae.xml");
        if (!File.Exists(path)) return result;
        try
        {
            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                var name = (string?)member.Attribute("name");
                var summary = member.Element("summary");
                if (name is null || summary is null) continue;
                result[name] = Flatten(summary);
            }
        }
        catch (System.Xml.XmlException)
        {
            // Help without the library's descriptions is still usable; do not fail the command for it.
        }
        return result;
    }

    private static string Flatten(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(node => node switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } e => ShortName((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? ""),
            XElement e => e.Value,
            _ => "",
        }));
        return Whitespace().Replace(text, " ").Trim();
    }

    private static string ShortName(string cref)
    {
        var name = cref.Contains(':') ? cref[(cref.IndexOf(':') + 1)..] : cref;
        var paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
