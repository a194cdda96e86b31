using System.Text.Json.Nodes;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Tests.Playbooks;

public class PlaybookSchemaTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(PlaybookSchema.Generate())!;
    private static JsonNode Task => Schema["$defs"]!["task"]!;

    [Fact]
    public void Is_draft_2020_12() =>
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema["$schema"]!.GetValue<string>());

    [Fact]
    public void Every_module_is_a_task_property_and_exactly_one_is_required()
    {
        var properties = Task["properties"]!.AsObject();
        var oneOf = Task["oneOf"]!.AsArray().Select(o => o!["required"]![0]!.GetValue<string>());

        Assert.All(ModuleCatalog.All, m => Assert.True(properties.ContainsKey(m.Name), m.Name));
        Assert.Equal(ModuleCatalog.Names, oneOf);
    }

    [Fact]
    public void Required_arguments_and_descriptions_come_from_the_module_declarations()
    {
        var assert = Task["properties"]!["assert"]!;
        var command = Task["properties"]!["command"]!["anyOf"]![1]!;

        Assert.Equal(["that"], assert["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["command"], command["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(new ConfigModule().Parameters[0].Description, Task["properties"]!["config"]!["properties"]!["lines"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public void Play_requires_hosts_and_tasks_and_lists_every_play_key()
    {
        var play = Schema["$defs"]!["play"]!;

        Assert.Equal(["hosts", "tasks"], play["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(PlaybookLoader.PlayKeys.Order(), play["properties"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(PlaybookLoader.TaskKeys.Order(),
            Task["properties"]!.AsObject().Select(p => p.Key).Except(ModuleCatalog.Names).Order());
    }
}
