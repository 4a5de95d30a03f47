import ArgumentParser
import Foundation
import Tensors

/// `--threads N`, shared by every command that computes.
struct ThreadOptions: ParsableArguments {
  @Option(help: "Threads for GEMM and the engine's loops (default: all cores).")
  var threads: Int = defaultThreadCount

  func validate() throws {
    guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
  }

  /// Applies the setting; call at the start of `run()`.
  func apply() { ComputeThreads.set(threads) }
}

let defaultThreadCount = ProcessInfo.processInfo.activeProcessorCount
