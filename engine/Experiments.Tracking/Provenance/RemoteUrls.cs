namespace Experiments.Tracking.Provenance;

/// <summary>Removes credentials from URLs before they are recorded anywhere.</summary>
public static class RemoteUrls
{
    /// <summary><c>https://user:token@host/x.git</c> → <c>https://host/x.git</c>; scp-style and paths stay.</summary>
    public static string Redact(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && !string.IsNullOrEmpty(uri.UserInfo) && uri.Scheme is "http" or "https")
        {
            var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
            return builder.Uri.ToString();
        }
        return url;
    }
}
