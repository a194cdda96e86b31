namespace NetFleet.Lab.Tests.Devices;

/// <summary>A clock that moves only when a test advances it; due timers fire inside <see cref="Advance"/>.</summary>
internal sealed class FakeTime : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<Timer> timers = [];
    private DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, () => callback(state));
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (gate)
        {
            now += by;
            due = timers.Where(t => t.Due <= now).ToList();
            timers.RemoveAll(due.Contains);
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class Timer(FakeTime time, Action fire) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (time.gate)
            {
                time.timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = time.now + dueTime;
                    time.timers.Add(this);
                }
            }
            return true;
        }

        public void Dispose()
        {
            lock (time.gate)
            {
                time.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
