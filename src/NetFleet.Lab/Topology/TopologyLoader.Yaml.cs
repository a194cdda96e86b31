using YamlDotNet.RepresentationModel;

namespace NetFleet.Lab.Topology;

/// <summary>Typed reads from YamlDotNet's nodes: a wrong shape is an error at the node that says what was expected.</summary>
public static partial class TopologyLoader
{
    private sealed partial class Reader
    {
        private YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: var k } && k == key).Value;

        private YamlMappingNode? Mapping(YamlNode node, string expected)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(node, $"expected {expected}, found {Describe(node)}");
            return null;
        }

        private YamlScalarNode? Scalar(YamlNode node, string expected)
        {
            if (node is YamlScalarNode { Value: not (null or "") } scalar)
            {
                return scalar;
            }

            Error(node, $"expected {expected}, found {Describe(node)}");
            return null;
        }

        /// <summary>A list of scalars; a single scalar reads as a list of one.</summary>
        private List<YamlScalarNode> Scalars(YamlNode node, string expected)
        {
            if (node is YamlScalarNode { Value: not (null or "") } one)
            {
                return [one];
            }

            if (node is not YamlSequenceNode list)
            {
                Error(node, $"expected {expected}, found {Describe(node)}");
                return [];
            }

            var result = new List<YamlScalarNode>();
            foreach (var item in list.Children)
            {
                if (Scalar(item, $"an item of {expected}") is { } scalar)
                {
                    result.Add(scalar);
                }
            }

            return result;
        }

        private void CheckKeys(YamlMappingNode map, string[] allowed, string what)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: var name } || !allowed.Contains(name))
                {
                    Error(key, $"unknown key '{(key as YamlScalarNode)?.Value}' in {what}; expected {string.Join(", ", allowed)}");
                }
            }
        }

        private static string Describe(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" } => "nothing",
            _ => $"'{((YamlScalarNode)node).Value}'",
        };

        private string Where(YamlNode node) => $"{file}:{node.Start.Line}:{node.Start.Column}";

        private void Error(YamlNode node, string message) =>
            errors.Add(((int)node.Start.Line, (int)node.Start.Column, $"{file}:{node.Start.Line}:{node.Start.Column}: {message}"));

        private TopologyException Failure() =>
            new(errors.OrderBy(e => e.Line).ThenBy(e => e.Column).Select(e => e.Text).Distinct().ToList());
    }
}
