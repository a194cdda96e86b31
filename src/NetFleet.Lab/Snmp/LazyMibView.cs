using NetFleet.Snmp;

namespace NetFleet.Lab.Snmp;

/// <summary>
/// A view built on its first request. A lab device's MIB is a few hundred entries and closures; built up front
/// for 5,000 devices it took seconds of <c>lab up</c> and hundreds of MB, though a run polls few devices by SNMP.
/// </summary>
internal sealed class LazyMibView(Func<IMibView> build) : IMibView
{
    private readonly Lazy<IMibView> view = new(build, LazyThreadSafetyMode.ExecutionAndPublication);

    public SnmpValue Get(Oid oid) => view.Value.Get(oid);

    public Variable? GetNext(Oid oid) => view.Value.GetNext(oid);

    public SnmpError TestSet(Oid oid, SnmpValue value) => view.Value.TestSet(oid, value);

    public void CommitSet(Oid oid, SnmpValue value) => view.Value.CommitSet(oid, value);
}
