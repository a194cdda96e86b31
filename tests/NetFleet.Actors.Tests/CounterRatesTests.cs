using NetFleet.Actors.Devices;
using NetFleet.Snmp;

namespace NetFleet.Actors.Tests;

public sealed class CounterRatesTests
{
    private static readonly Oid In32 = MibNames.Parse("ifInOctets.2");
    private static readonly Oid In64 = MibNames.Parse("ifHCInOctets.2");
    private static readonly Oid Errors = MibNames.Parse("ifInErrors.2");
    private static readonly Oid Speed = MibNames.Parse("ifSpeed.2");

    private static PollSample Sample(double seconds, uint in32, ulong in64, uint errors) => new(TimeSpan.FromSeconds(seconds),
        [new(In32, new Counter32(in32)), new(In64, new Counter64(in64)), new(Errors, new Counter32(errors)), new(Speed, new Gauge32(1_000_000_000))]);

    [Fact]
    public void Rates_are_increase_per_second_with_a_32_bit_and_a_64_bit_wrap()
    {
        // 1,000,000 octets a second; the 32-bit counter passes 2^32 between the 2nd and 3rd samples, the 64-bit one 2^64.
        const ulong start64 = ulong.MaxValue - 1_500_000;
        var start32 = uint.MaxValue - 1_500_000u;
        var rates = CounterRates.Of(
        [
            Sample(0, start32, start64, 7),
            Sample(1, unchecked(start32 + 1_000_000), unchecked(start64 + 1_000_000), 9),
            Sample(2, unchecked(start32 + 2_000_000), unchecked(start64 + 2_000_000), 9),
            Sample(4, unchecked(start32 + 4_000_000), unchecked(start64 + 4_000_000), 13),
        ]);

        Assert.Equal(["ifInOctets.2", "ifHCInOctets.2", "ifInErrors.2"], rates.Select(r => r.Name));
        foreach (var octets in rates.Take(2))
        {
            Assert.Equal([1_000_000.0, 1_000_000.0, 1_000_000.0], octets.Intervals);
            Assert.Equal(1_000_000.0, octets.PerSecond);
            Assert.Equal(8_000_000.0, octets.BitsPerSecond);
            Assert.Equal(1, octets.Wraps);
        }

        var errors = rates[2];
        Assert.Equal([2.0, 0.0, 2.0], errors.Intervals);
        Assert.Equal(1.5, errors.PerSecond);
        Assert.Null(errors.BitsPerSecond);
        Assert.Equal(0, errors.Wraps);
    }

    [Fact]
    public void Increase_is_taken_modulo_the_counter_width()
    {
        Assert.Equal((10.0, true), CounterRates.Increase(new Counter32(uint.MaxValue - 4), new Counter32(5)));
        Assert.Equal((10.0, true), CounterRates.Increase(new Counter64(ulong.MaxValue - 4), new Counter64(5)));
        Assert.Equal((4_294_967_295.0, false), CounterRates.Increase(new Counter32(0), new Counter32(uint.MaxValue)));
        Assert.Null(CounterRates.Increase(new Gauge32(1), new Gauge32(2)));
    }
}
