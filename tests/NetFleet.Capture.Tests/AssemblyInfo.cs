// Live captures, traffic bursts and probes share loopback and two cores: one test class at a time keeps
// the counts and timings they check from depending on what another class happens to be doing.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
