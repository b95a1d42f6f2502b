using Experiments.Cli;
using Experiments.Engine.Kinds;
using Experiments.Steps;
using Experiments.TestHost;

var services = new CliServices(
    new StepKindRegistry([.. BuiltInKinds.All, new HoldGpuKind(), new SleepKind(), new TickKind()]),
    Console.Out,
    Console.Error,
    Interactive: false);
return await CliApp.InvokeAsync(args, services);
