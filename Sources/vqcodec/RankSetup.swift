import Training

#if MPI
import MessagePassing
#endif

/// This process's place in a training job: a rank of an MPI job when `mpirun` started it (and the binary was built
/// with `--traits MPI`), else a run of its own.
struct RankSetup {
  let group: RankGroup
  private let finishJob: () -> Void

  static func join() -> RankSetup {
    #if MPI
    if let ranks = MPIRanks.joinIfLaunched() { return RankSetup(group: ranks, finishJob: ranks.finish) }
    #endif
    return RankSetup(group: SingleProcess(), finishJob: {})
  }

  /// After the last collective, on every rank (MPI_Finalize). A rank that fails exits without it, which makes
  /// `mpirun` end the job.
  func finish() { finishJob() }
}

/// A failure another rank reports: this rank exits with status 1 and prints nothing (one `error:` line per job).
struct QuietFailure: Error {}

/// A failure every rank of the job meets at the same point (a divergence, more ranks than shards, ranks that see
/// different images). The ranks that tell it print their line, then every rank finalizes and exits with status 1:
/// had a quiet rank exited first, `mpirun` could end the telling rank before its `error:` line got out.
struct SharedFailure: Error {
  /// What this rank tells; nil where another rank tells it.
  let told: Error?
}
