using System.Text.Json.Nodes;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>Runs vtysh locally against one lab router's sockets (as root, not through SSH).</summary>
public static class Vtysh
{
    /// <summary>The command's output; a failing command (unknown, incomplete, daemon down) throws with what vtysh said.</summary>
    public static async Task<string> RunAsync(RouterRuntime router, string command, CancellationToken cancellationToken = default)
    {
        var (code, output) = await ProcessRunner.RunAsync(RouterRuntime.VtyshProgram, [.. router.VtyshArguments, "-c", command],
            cancellationToken: cancellationToken);
        return code == 0 ? output : throw new LabException($"router {router.Name}: vtysh `{command}` failed (exit {code}): {output}");
    }

    /// <summary>A <c>show … json</c> command's answer; FRR prints <c>{}</c> when the daemon has nothing to show.</summary>
    public static async Task<JsonNode> RunJsonAsync(RouterRuntime router, string command, CancellationToken cancellationToken = default)
    {
        var output = await RunAsync(router, command, cancellationToken);
        try
        {
            return JsonNode.Parse(output.Length == 0 ? "{}" : output) ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new LabException($"router {router.Name}: `{command}` did not answer JSON ({e.Message}): {output}");
        }
    }
}
