using Descent.Data;
using Descent.Kernels;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>
/// Data-parallel replicas split the kernel threads of the thread that trains, and only of that thread: tests (and
/// tuning trials) train side by side in one process, and a process-wide change made by one of them used to reach the
/// others mid-run, and concurrent save/set/restore sequences left the process-wide count at a replica's share.
/// </summary>
public class DataParallelThreadsTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);   // deadlock guard only, never a timing check

    /// <summary>Identity layer that reports the kernel thread count its forward pass sees, per replica.</summary>
    private sealed class Probe(Action primaryForward) : Module
    {
        public int Primary { get; private set; }

        public int Secondary { get; private set; }

        public override Tensor Forward(Tensor input)
        {
            if (InSecondaryReplica)
            {
                Secondary = ParallelFor.Threads;
            }
            else
            {
                Primary = ParallelFor.Threads;
                primaryForward();
            }
            return input;
        }
    }

    // One two-replica step over 8 samples.
    private static void TrainOneStep(Probe probe)
    {
        var model = new Sequential(new Linear(4, 3, generator: new Generator(1)), probe);
        var loader = new DataLoader(SyntheticData.Blobs(8, classes: 3, features: 4, seed: 2), batchSize: 8);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), new SgdOptions(0.1)),
            new TrainerOptions { DataParallel = 2 });
        trainer.Fit(loader, epochs: 1);
    }

    private static int ReadOnAnotherThread()
    {
        int seen = 0;
        var thread = new Thread(() => seen = ParallelFor.Threads);
        thread.Start();
        thread.Join();
        return seen;
    }

    [Fact]
    public void ReplicasSplitTheTrainingThreadsCountAndNoOtherThreadSeesIt()
    {
        int processWide = ParallelFor.Threads;
        int other = 0, after = 0;
        Probe? probe = null;
        using (ParallelFor.OverrideThreads(4))
        {
            probe = new Probe(() => other = ReadOnAnotherThread());
            TrainOneStep(probe);
            after = ParallelFor.Threads;
        }
        Assert.Equal((2, 2), (probe.Primary, probe.Secondary));
        Assert.Equal(processWide, other);       // read while the replicas ran
        Assert.Equal(4, after);
        Assert.Equal(processWide, ParallelFor.Threads);
    }

    [Fact]
    public void OverlappingTrainingsKeepTheirOwnCountsAndLeaveTheProcessCountAlone()
    {
        // Forced interleaving: the second training starts its step while the first is inside its step, and the first
        // finishes while the second is still inside. With the count set process-wide, the second saved the first's
        // replica share (2), ran with 1, and restored 2 after the first had restored 4.
        int processWide = ParallelFor.Threads;
        using var firstInside = new ManualResetEventSlim();
        using var secondInside = new ManualResetEventSlim();
        using var firstDone = new ManualResetEventSlim();
        var first = new Probe(() => { firstInside.Set(); Assert.True(secondInside.Wait(Guard)); });
        var second = new Probe(() => { secondInside.Set(); Assert.True(firstDone.Wait(Guard)); });
        int firstAfter = 0, secondAfter = 0;
        Exception? failure = null;
        var t1 = new Thread(() => Capture(ref failure, () =>
        {
            try
            {
                using var threads = ParallelFor.OverrideThreads(4);
                TrainOneStep(first);
                firstAfter = ParallelFor.Threads;
            }
            finally { firstDone.Set(); }
        }));
        var t2 = new Thread(() => Capture(ref failure, () =>
        {
            try
            {
                Assert.True(firstInside.Wait(Guard));
                using var threads = ParallelFor.OverrideThreads(4);
                TrainOneStep(second);
                secondAfter = ParallelFor.Threads;
            }
            finally { secondInside.Set(); }
        }));
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        Assert.Null(failure);
        Assert.Equal((2, 2), (first.Primary, first.Secondary));
        Assert.Equal((2, 2), (second.Primary, second.Secondary));
        Assert.Equal((4, 4), (firstAfter, secondAfter));
        Assert.Equal(processWide, ParallelFor.Threads);
    }

    private static void Capture(ref Exception? failure, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
        }
    }
}
