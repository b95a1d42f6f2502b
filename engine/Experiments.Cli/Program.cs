using Experiments.Cli;
using Experiments.Engine.Kinds;
using Experiments.Steps;

var services = new CliServices(
    new StepKindRegistry(BuiltInKinds.All),
    Console.Out,
    Console.Error,
    Interactive: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);
return await CliApp.InvokeAsync(args, services);
