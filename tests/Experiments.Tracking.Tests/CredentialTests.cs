using System.Text;
using Experiments.Tracking.Tests.Support;

namespace Experiments.Tracking.Tests;

/// <summary>Credentials reach the server's Authorization header and nowhere else: not the output, the ledger, the store or MLflow's data.</summary>
public sealed class CredentialTests : StandInTests
{
    private const string Password = "s3cr3t-PASSWORD-x9";
    private const string Token = "tok-ABCDEF-0123456789";
    private const string UriPassword = "pw-in-uri-42";

    private string Experiment() => Folder.Write("secret.exp", """
        experiment secret {
          eval scores = test.scores(n: 20)
          gate scores.accuracy >= 0.1
        }
        """);

    private static Dictionary<string, string> Settings(string uri, params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = uri,
            ["EXP_MLFLOW_TIMEOUT_SECONDS"] = "1",
            ["EXP_MLFLOW_BACKOFF_MS"] = "10",
            ["EXP_MLFLOW_FLUSH_SECONDS"] = "5",
        };
        foreach ((string name, string value) in more)
        {
            environment[name] = value;
        }
        return environment;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Every byte exp left behind or printed, and everything MLflow stored.</summary>
    private string Everything(params CliResult[] results)
    {
        var text = new StringBuilder();
        foreach (CliResult result in results)
        {
            text.Append(result.Output).Append(result.Error);
        }
        foreach (string file in Directory.EnumerateFiles(Folder.Root, "*", SearchOption.AllDirectories))
        {
            text.Append(Encoding.Latin1.GetString(File.ReadAllBytes(file)));
        }
        foreach (MlflowStandIn.RunState run in Server.Runs)
        {
            text.AppendJoin(' ', run.Tags.Values).AppendJoin(' ', run.Params.Values);
        }
        foreach (byte[] artifact in Server.StoredArtifacts.Values)
        {
            text.Append(Encoding.UTF8.GetString(artifact));
        }
        return text.ToString();
    }

    private void AssertNoSecret(string everything, params string[] secrets)
    {
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Basic_auth_is_sent_and_never_written()
    {
        Server.ExpectedAuthorization = Basic("alice", Password);
        CliResult result = await new InProcessCli(Settings(Server.Uri, ("MLFLOW_TRACKING_USERNAME", "alice"), ("MLFLOW_TRACKING_PASSWORD", Password)))
            .RunAsync("run", Experiment(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        AssertNoSecret(Everything(result), Password, Server.ExpectedAuthorization!["Basic ".Length..]);
    }

    [Fact]
    public async Task A_refused_password_is_a_warning_that_does_not_repeat_it()
    {
        Server.ExpectedAuthorization = Basic("alice", "the-right-one");
        CliResult result = await new InProcessCli(Settings(Server.Uri, ("MLFLOW_TRACKING_USERNAME", "alice"), ("MLFLOW_TRACKING_PASSWORD", Password)))
            .RunAsync("run", Experiment(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning EXP3102:", result.Error);
        Assert.Contains("check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD", result.Error);
        Assert.True(LedgerTotals.Read(Folder.Store).Pending > 0);
        AssertNoSecret(Everything(result), Password, Basic("alice", Password)["Basic ".Length..]);
    }

    [Fact]
    public async Task A_bearer_token_is_sent_and_never_written()
    {
        Server.ExpectedAuthorization = $"Bearer {Token}";
        CliResult result = await new InProcessCli(Settings(Server.Uri, ("MLFLOW_TRACKING_TOKEN", Token))).RunAsync("run", Experiment(), "--store", Folder.Store);
        Assert.True(result.ExitCode == 0, result.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);
        AssertNoSecret(Everything(result), Token);
    }

    [Fact]
    public async Task Credentials_in_the_tracking_uri_become_a_header_and_the_uri_is_shown_without_them()
    {
        var uri = new UriBuilder(Server.Uri) { UserName = "bob", Password = UriPassword }.Uri.ToString().TrimEnd('/');
        Server.ExpectedAuthorization = Basic("bob", UriPassword);
        CliResult delivered = await new InProcessCli(Settings(uri)).RunAsync("run", Experiment(), "--store", Folder.Store);
        Assert.True(delivered.ExitCode == 0, delivered.ToString());
        LedgerTotals.AssertDelivered(Server, Folder.Store);

        // A failing server makes exp name the server in its warning: without the password.
        Server.Inject(Enumerable.Range(0, 50).Select(_ => new Fault("/", FaultKind.Status, 503)).ToArray());
        CliResult failing = await new InProcessCli(Settings(uri)).RunAsync("run", Experiment(), "--store", Folder.Store, "-p", "nothing=1");
        Assert.Contains("warning EXP3101:", failing.Error + failing.Output + await Second(uri));
        AssertNoSecret(Everything(delivered, failing), UriPassword, Basic("bob", UriPassword)["Basic ".Length..]);
    }

    /// <summary>A second run against the failing server (the first may have failed on the unknown override before tracking).</summary>
    private async Task<string> Second(string uri)
    {
        CliResult result = await new InProcessCli(Settings(uri)).RunAsync("run", Experiment(), "--store", Folder.Store);
        AssertNoSecret(result.Output + result.Error, UriPassword);
        return result.Error;
    }
}
