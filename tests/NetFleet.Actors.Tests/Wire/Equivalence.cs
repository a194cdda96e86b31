using System.Collections;
using System.Reflection;
using Akka.Actor;

namespace NetFleet.Actors.Tests.Wire;

/// <summary>Structural comparison of messages: records property by property, lists item by item, dictionaries key by
/// key (records compare lists by reference, so <c>Assert.Equal</c> on two copies fails).</summary>
internal static class Equivalence
{
    public static void AssertEquivalent(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        switch (expected)
        {
            case DateTimeOffset e:
                Assert.True(actual is DateTimeOffset a && e.EqualsExact(a), $"{path}: expected {e:O}, got {actual}");
                return;
            case string or ValueType or Address:
                Assert.True(expected.GetType() == actual.GetType() && expected.Equals(actual),
                    $"{path}: expected {expected} ({expected.GetType().Name}), got {actual} ({actual.GetType().Name})");
                return;
            case IActorRef e:
                Assert.Equal(e.Path, Assert.IsAssignableFrom<IActorRef>(actual).Path);
                return;
            case IDictionary e:
                var a2 = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.True(e.Count == a2.Count, $"{path}: {e.Count} entries expected, {a2.Count} found");
                foreach (DictionaryEntry entry in e) AssertEquivalent(entry.Value, a2[entry.Key], $"{path}[{entry.Key}]");
                return;
            case IEnumerable e:
                var expectedItems = e.Cast<object?>().ToList();
                var actualItems = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(expectedItems.Count == actualItems.Count, $"{path}: {expectedItems.Count} items expected, {actualItems.Count} found");
                for (var i = 0; i < expectedItems.Count; i++) AssertEquivalent(expectedItems[i], actualItems[i], $"{path}[{i}]");
                return;
        }

        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}");
        foreach (var property in Properties(expected.GetType()))
        {
            AssertEquivalent(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    /// <summary>Every settable property of the records in <paramref name="value"/> holds something other than its type's
    /// default (a round trip of a default value proves nothing), except the <paramref name="exempt"/> ones.</summary>
    public static void AssertAllSet(object value, string path, IReadOnlySet<(Type, string)> exempt)
    {
        if (value is string or ValueType or IActorRef or Address or IEnumerable) return;
        foreach (var property in Properties(value.GetType()).Where(p => p.SetMethod is not null))
        {
            var item = property.GetValue(value);
            if (exempt.Contains((property.DeclaringType!, property.Name))) continue;
            var type = property.PropertyType;
            var unset = item is null || (type.IsValueType && Nullable.GetUnderlyingType(type) is null && item.Equals(Activator.CreateInstance(type)));
            Assert.False(unset, $"{path}.{property.Name} is not set in the sample");
            if (item is IEnumerable items and not string)
            {
                var i = 0;
                foreach (var element in items) AssertAllSet(element!, $"{path}.{property.Name}[{i++}]", exempt);
                Assert.True(i > 0 || item is IDictionary, $"{path}.{property.Name} is empty in the sample");
            }
            else
            {
                AssertAllSet(item!, $"{path}.{property.Name}", exempt);
            }
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0);
}
