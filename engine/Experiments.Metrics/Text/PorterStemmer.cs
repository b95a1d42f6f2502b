namespace Experiments.Metrics.Text;

/// <summary>
/// The Porter stemmer in NLTK's default mode (<c>PorterStemmer(mode=NLTK_EXTENSIONS)</c>, NLTK
/// 3.8 nltk/stem/porter.py), the stemmer rouge-score and NLTK's METEOR use: Porter's 1980 rules
/// plus NLTK's irregular-form table, its 'ies'/'ied' and y→i refinements, the early 'alli' rule,
/// 'fulli' and 'logi', and no stemming of words of one or two letters.
/// </summary>
public static class PorterStemmer
{
    private static readonly Dictionary<string, string> s_irregular = BuildIrregular();

    public static string Stem(string word)
    {
        string stem = PythonText.Lower(word);
        if (s_irregular.TryGetValue(word, out string? irregular))
        {
            return irregular;
        }
        if (word.Length <= 2)
        {
            return stem;
        }
        stem = Step1a(stem);
        stem = Step1b(stem);
        stem = Step1c(stem);
        stem = Step2(stem);
        stem = Step3(stem);
        stem = Step4(stem);
        stem = Step5a(stem);
        stem = Step5b(stem);
        return stem;
    }

    private static Dictionary<string, string> BuildIrregular()
    {
        var forms = new (string Stem, string[] Forms)[]
        {
            ("sky", ["sky", "skies"]), ("die", ["dying"]), ("lie", ["lying"]), ("tie", ["tying"]),
            ("news", ["news"]), ("inning", ["innings", "inning"]), ("outing", ["outings", "outing"]),
            ("canning", ["cannings", "canning"]), ("howe", ["howe"]), ("proceed", ["proceed"]),
            ("exceed", ["exceed"]), ("succeed", ["succeed"]),
        };
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string stem, string[] words) in forms)
        {
            foreach (string w in words)
            {
                pool[w] = stem;
            }
        }
        return pool;
    }

    private static bool IsConsonant(string word, int i)
    {
        char c = word[i];
        if (c is 'a' or 'e' or 'i' or 'o' or 'u')
        {
            return false;
        }
        if (c == 'y')
        {
            return i == 0 || !IsConsonant(word, i - 1);
        }
        return true;
    }

    /// <summary>m: the number of vowel-consonant sequences.</summary>
    private static int Measure(string stem)
    {
        int m = 0;
        for (int i = 1; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i - 1) && IsConsonant(stem, i))
            {
                m++;
            }
        }
        return m;
    }

    private static bool HasPositiveMeasure(string stem) => Measure(stem) > 0;

    private static bool ContainsVowel(string stem)
    {
        for (int i = 0; i < stem.Length; i++)
        {
            if (!IsConsonant(stem, i))
            {
                return true;
            }
        }
        return false;
    }

    private static bool EndsDoubleConsonant(string word) =>
        word.Length >= 2 && word[^1] == word[^2] && IsConsonant(word, word.Length - 1);

    private static bool EndsCvc(string word) =>
        (word.Length >= 3 && IsConsonant(word, word.Length - 3) && !IsConsonant(word, word.Length - 2)
            && IsConsonant(word, word.Length - 1) && word[^1] is not ('w' or 'x' or 'y'))
        || (word.Length == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1));

    /// <summary>A suffix rule: "*d" stands for any double consonant, as in NLTK.</summary>
    private readonly record struct Rule(string Suffix, string Replacement, Func<string, bool>? Condition);

    private static string ReplaceSuffix(string word, string suffix, string replacement) =>
        suffix.Length == 0 ? word + replacement : word[..^suffix.Length] + replacement;

    /// <summary>The first rule whose suffix matches decides: applied if its condition holds, else the word stays.</summary>
    private static string ApplyRules(string word, IEnumerable<Rule> rules)
    {
        foreach (Rule rule in rules)
        {
            if (rule.Suffix == "*d" && EndsDoubleConsonant(word))
            {
                string stem = word[..^2];
                return rule.Condition is null || rule.Condition(stem) ? stem + rule.Replacement : word;
            }
            if (word.EndsWith(rule.Suffix, StringComparison.Ordinal))
            {
                string stem = ReplaceSuffix(word, rule.Suffix, "");
                return rule.Condition is null || rule.Condition(stem) ? stem + rule.Replacement : word;
            }
        }
        return word;
    }

    private static string Step1a(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length == 4)
        {
            return ReplaceSuffix(word, "ies", "ie");
        }
        return ApplyRules(word, [new("sses", "ss", null), new("ies", "i", null), new("ss", "ss", null), new("s", "", null)]);
    }

    private static string Step1b(string word)
    {
        if (word.EndsWith("ied", StringComparison.Ordinal))
        {
            return ReplaceSuffix(word, "ied", word.Length == 4 ? "ie" : "i");
        }
        if (word.EndsWith("eed", StringComparison.Ordinal))
        {
            string stem = ReplaceSuffix(word, "eed", "");
            return Measure(stem) > 0 ? stem + "ee" : word;
        }
        string? intermediate = null;
        foreach (string suffix in (string[])["ed", "ing"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal))
            {
                string candidate = ReplaceSuffix(word, suffix, "");
                if (ContainsVowel(candidate))
                {
                    intermediate = candidate;
                    break;
                }
            }
        }
        if (intermediate is null)
        {
            return word;
        }
        string last = intermediate.Length > 0 ? intermediate[^1].ToString() : "";
        return ApplyRules(intermediate,
        [
            new("at", "ate", null),
            new("bl", "ble", null),
            new("iz", "ize", null),
            new("*d", last, _ => last is not ("l" or "s" or "z")),
            new("", "e", stem => Measure(stem) == 1 && EndsCvc(stem)),
        ]);
    }

    private static string Step1c(string word) =>
        ApplyRules(word, [new("y", "i", stem => stem.Length > 1 && IsConsonant(stem, stem.Length - 1))]);

    private static string Step2(string word)
    {
        if (word.EndsWith("alli", StringComparison.Ordinal) && HasPositiveMeasure(ReplaceSuffix(word, "alli", "")))
        {
            return Step2(ReplaceSuffix(word, "alli", "al"));
        }
        Func<string, bool> positive = HasPositiveMeasure;
        return ApplyRules(word,
        [
            new("ational", "ate", positive), new("tional", "tion", positive), new("enci", "ence", positive),
            new("anci", "ance", positive), new("izer", "ize", positive), new("bli", "ble", positive),
            new("alli", "al", positive), new("entli", "ent", positive), new("eli", "e", positive),
            new("ousli", "ous", positive), new("ization", "ize", positive), new("ation", "ate", positive),
            new("ator", "ate", positive), new("alism", "al", positive), new("iveness", "ive", positive),
            new("fulness", "ful", positive), new("ousness", "ous", positive), new("aliti", "al", positive),
            new("iviti", "ive", positive), new("biliti", "ble", positive), new("fulli", "ful", positive),
            // The 'l' of 'logi' stays with the stem, so short stems like 'geo' work like 'archaeo'.
            new("logi", "log", _ => HasPositiveMeasure(word[..^3])),
        ]);
    }

    private static string Step3(string word)
    {
        Func<string, bool> positive = HasPositiveMeasure;
        return ApplyRules(word,
        [
            new("icate", "ic", positive), new("ative", "", positive), new("alize", "al", positive),
            new("iciti", "ic", positive), new("ical", "ic", positive), new("ful", "", positive),
            new("ness", "", positive),
        ]);
    }

    private static string Step4(string word)
    {
        Func<string, bool> above1 = stem => Measure(stem) > 1;
        return ApplyRules(word,
        [
            new("al", "", above1), new("ance", "", above1), new("ence", "", above1), new("er", "", above1),
            new("ic", "", above1), new("able", "", above1), new("ible", "", above1), new("ant", "", above1),
            new("ement", "", above1), new("ment", "", above1), new("ent", "", above1),
            new("ion", "", stem => Measure(stem) > 1 && stem.Length > 0 && stem[^1] is 's' or 't'),
            new("ou", "", above1), new("ism", "", above1), new("ate", "", above1), new("iti", "", above1),
            new("ous", "", above1), new("ive", "", above1), new("ize", "", above1),
        ]);
    }

    private static string Step5a(string word)
    {
        if (word.EndsWith('e'))
        {
            string stem = word[..^1];
            if (Measure(stem) > 1)
            {
                return stem;
            }
            if (Measure(stem) == 1 && !EndsCvc(stem))
            {
                return stem;
            }
        }
        return word;
    }

    private static string Step5b(string word) =>
        ApplyRules(word, [new("ll", "l", _ => Measure(word[..^1]) > 1)]);
}
