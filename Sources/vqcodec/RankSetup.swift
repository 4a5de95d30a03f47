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
