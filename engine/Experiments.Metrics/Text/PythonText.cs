namespace Experiments.Metrics.Text;

/// <summary>
/// The few Python string operations the reference implementations rely on, done the Python way:
/// <c>str.split()</c> and <c>str.rstrip()</c> treat more characters as whitespace than .NET does
/// (the information separators U+001C–U+001F, for one), and <c>str.lower()</c> is approximated
/// by invariant lower-casing (they differ only for a handful of characters such as U+0130).
/// </summary>
public static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (every such character is in the BMP).</summary>
    public static bool IsSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\x1c' and <= '\x1f' => true,
        ' ' or '\x85' or '\xa0' or '\u1680' => true,
        >= '\u2000' and <= '\u200a' => true,
        '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        _ => false,
    };

    /// <summary><c>str.split()</c> with no separator: runs of whitespace split, no empty pieces.</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        int start = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]))
            {
                if (start >= 0)
                {
                    pieces.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0)
        {
            pieces.Add(text[start..]);
        }
        return pieces;
    }

    /// <summary><c>str.rstrip()</c>.</summary>
    public static string RStrip(string text)
    {
        int end = text.Length;
        while (end > 0 && IsSpace(text[end - 1]))
        {
            end--;
        }
        return text[..end];
    }

    /// <summary><c>''.join(s.split())</c>: every whitespace character removed.</summary>
    public static string RemoveSpaces(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!IsSpace(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary><c>str.lower()</c>, approximately (see the class remarks).</summary>
    public static string Lower(string text) => text.ToLowerInvariant();

    /// <summary>
    /// The code points of <paramref name="text"/> as strings, since Python indexes strings by
    /// code point and .NET by UTF-16 unit (a character outside the BMP is one Python character).
    /// </summary>
    public static string[] CodePoints(string text)
    {
        var points = new List<string>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                points.Add(text.Substring(i, 2));
                i++;
            }
            else
            {
                points.Add(text[i].ToString());
            }
        }
        return points.ToArray();
    }
}
