using System.CommandLine;
using System.Text.Json;
using Experiments.Engine.Kinds;

namespace Experiments.Cli.Commands;

/// <summary>`exp kinds [NAME]`: the step kinds and their parameters, generated from the schemas.</summary>
internal static class KindsCommand
{
    public static Command Create(CliServices services)
    {
        var name = new Argument<string?>("name") { Description = "Show one kind.", Arity = ArgumentArity.ZeroOrOne };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("kinds", "List the step kinds with their inputs, parameters and outputs.") { name, json };
        command.SetAction(result => Execute(services, result.GetValue(name), result.GetValue(json)));
        return command;
    }

    private static int Execute(CliServices services, string? name, bool json)
    {
        StepKind[] kinds = services.Registry.All.Where(k => name is null || k.Name == name).ToArray();
        if (kinds.Length == 0)
        {
            services.Error.WriteLine($"exp: error EXP2001: unknown step kind `{name}`. {services.Registry.DidYouMean(name!) ?? "Run `exp kinds` to list them."}");
            return ExitCodes.SpecError;
        }
        if (json)
        {
            WriteJson(services, kinds);
            return ExitCodes.Ok;
        }
        TextWriter output = services.Output;
        foreach (StepKindSchema schema in kinds.Select(k => k.Schema))
        {
            output.WriteLine($"{schema.Name}  v{schema.Version}  ({schema.Category})  {schema.Doc}");
            foreach (InputSpec input in schema.Inputs)
            {
                output.WriteLine($"    input   {input.Name,-16} {input.Type.ToString().ToLowerInvariant(),-24} {input.Doc}{(input.Required ? string.Empty : " (optional)")}");
            }
            foreach (ParamSpec param in schema.Params)
            {
                output.WriteLine($"    param   {param.Name,-16} {Describe(param),-24} {param.Doc}");
            }
            foreach (OutputSpec output1 in schema.Outputs)
            {
                output.WriteLine($"    output  {output1.Name,-16} {output1.Type.ToString().ToLowerInvariant(),-24} {output1.Doc}");
            }
            output.WriteLine();
        }
        return ExitCodes.Ok;
    }

    private static string Describe(ParamSpec param)
    {
        string text = param.Type.Describe();
        if (param.Default is { } value)
        {
            text += $" = {value.Display()}";
        }
        else
        {
            text += " (required)";
        }
        if (param.Min is not null || param.Max is not null)
        {
            text += $" [{param.Min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""}..{param.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""}]";
        }
        return text;
    }

    private static void WriteJson(CliServices services, IEnumerable<StepKind> kinds)
    {
        using Stream stdout = services.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        foreach (StepKindSchema schema in kinds.Select(k => k.Schema))
        {
            writer.WriteStartObject();
            writer.WriteString("name", schema.Name);
            writer.WriteNumber("version", schema.Version);
            writer.WriteString("category", schema.Category);
            writer.WriteString("doc", schema.Doc);
            writer.WriteStartArray("inputs");
            foreach (InputSpec input in schema.Inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteString("type", input.Type.ToString().ToLowerInvariant());
                writer.WriteBoolean("required", input.Required);
                writer.WriteString("doc", input.Doc);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("params");
            foreach (ParamSpec param in schema.Params)
            {
                writer.WriteStartObject();
                writer.WriteString("name", param.Name);
                writer.WriteString("type", param.Type.Describe());
                writer.WriteBoolean("required", param.Required);
                if (param.Default is not null)
                {
                    writer.WritePropertyName("default");
                    param.Default.Write(writer);
                }
                if (param.Min is double min)
                {
                    writer.WriteNumber("min", min);
                }
                if (param.Max is double max)
                {
                    writer.WriteNumber("max", max);
                }
                writer.WriteString("doc", param.Doc);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            foreach (OutputSpec output in schema.Outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", output.Name);
                writer.WriteString("type", output.Type.ToString().ToLowerInvariant());
                writer.WriteString("doc", output.Doc);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
