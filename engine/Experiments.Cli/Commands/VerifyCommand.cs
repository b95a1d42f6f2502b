using System.CommandLine;
using Experiments.Cli.Frontend;
using Experiments.Engine.Store;

namespace Experiments.Cli.Commands;

/// <summary>`exp verify`: re-hash every cached result's blobs.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliServices services)
    {
        Argument<string?> file = CommonOptions.OptionalFile();
        Option<string?> store = CommonOptions.Store();
        var command = new Command("verify", "Check that every cached step result's blobs are present and hash to their digests.") { file, store };
        command.SetAction(result =>
        {
            string path = StoreLocation.Resolve(result.GetValue(store), result.GetValue(file));
            var damaged = StoreVerifier.FindDamage(new ContentStore(path));
            foreach ((string key, string step, OutputFile damagedFile) in damaged)
            {
                services.Output.WriteLine($"damaged  {step}  key {key[..16]}  {damagedFile.Path}");
            }
            int entries = Directory.Exists(Path.Combine(path, "actions"))
                ? Directory.EnumerateFiles(Path.Combine(path, "actions"), "*.json", SearchOption.AllDirectories).Count()
                : 0;
            services.Output.WriteLine(damaged.Count == 0
                ? $"{entries} cached result(s) verified."
                : $"{damaged.Count} of {entries} cached result(s) are damaged; the next run recomputes them.");
            return damaged.Count == 0 ? ExitCodes.Ok : ExitCodes.StepFailed;
        });
        return command;
    }
}
