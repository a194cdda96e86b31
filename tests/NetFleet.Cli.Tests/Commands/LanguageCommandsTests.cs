using System.Text.Json;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

public sealed class LanguageCommandsTests
{
    [Fact]
    public async Task Validate_reports_every_error_with_file_line_and_column_and_fails()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-validate-");
        try
        {
            var playbook = Path.Combine(dir.FullName, "broken.yaml");
            await File.WriteAllTextAsync(playbook, """
                - name: broken
                  hosts: all
                  tasks:
                    - confg:
                        lines: [ntp server 192.0.2.1]
                    - command: show version
                      timeout: soon
                """);
            var (code, stdout, stderr) = await NetfleetProcess.RunAsync("validate", playbook);
            Assert.Equal(1, code);
            Assert.Contains("broken.yaml:4:7: error", stderr);
            Assert.Contains("did you mean 'config'?", stderr);
            Assert.Contains("broken.yaml:7:16: error", stderr);
            Assert.Contains("2 errors", stderr);
            Assert.DoesNotContain("   at ", stderr + stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Validate_accepts_the_sample_playbook_against_the_repository_inventory()
    {
        var root = RepositoryPaths.Root();
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("validate", Path.Combine(root, "playbooks", "sample.yaml"),
            "-i", Path.Combine(root, "inventory"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("valid", stdout);
    }

    [Fact]
    public async Task Schema_prints_a_json_schema_naming_every_module()
    {
        var (code, stdout, _) = await NetfleetProcess.RunAsync("schema");
        Assert.Equal(0, code);
        using var schema = JsonDocument.Parse(stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        foreach (var module in new[] { "command", "config", "assert", "set_fact", "pause" })
        {
            Assert.Contains($"\"{module}\"", stdout);
        }
    }
}
