using Experiments.Cli;
using Experiments.Engine.Kinds;

var services = new CliServices(
    new StepKindRegistry(KindCatalog.All),
    Console.Out,
    Console.Error,
    Interactive: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);
return await CliApp.InvokeAsync(args, services);
