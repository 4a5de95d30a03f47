import ArgumentParser
import ResearchTools

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time the bench-f4 network on random data; prints one JSON line (the keys of torch_ref.py).")

  typealias Mode = Benchmark.Mode

  @Option(help: "What to time: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")).") var mode: Mode
  @OptionGroup var threadOptions: ThreadOptions
  @Option(help: "Images per step (train: 32, otherwise 1).") var batch: Int?
  @Option(help: "Image size HxW (train: 64x64, encode/decode: 512x768).") var size: ImageSize?
  @Option(help: "Timed steps per repeat (train: 10, otherwise 1).") var steps: Int?
  @Option(name: .customLong("repeat"), help: "Timed repeats; the median is reported.") var repeats: Int = 3
  @Option(help: "Untimed steps first.") var warmup: Int = 1
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @Flag(help: "Also print a per-op profile of one step as JSON lines.") var profile = false

  func validate() throws {
    for (name, value) in [("--batch", batch), ("--steps", steps), ("--repeat", repeats)] as [(String, Int?)] {
      if let value, value < 1 { throw ValidationError("\(name) must be positive") }
    }
  }

  func run() throws {
    threadOptions.apply()
    let benchmark = Benchmark(
      mode: mode, threads: threadOptions.threads, batch: batch ?? (mode == .train ? 32 : 1),
      size: size ?? (mode == .train ? ImageSize(height: 64, width: 64) : ImageSize(height: 512, width: 768)),
      steps: steps ?? (mode == .train ? 10 : 1), repeats: repeats, warmup: warmup, seed: seed, profile: profile)
    print(try benchmark.run().line)
  }
}

extension Benchmark.Mode: ExpressibleByArgument {}

extension ImageSize: ExpressibleByArgument {
  /// `HxW`, e.g. `64x64` or `512x768`.
  public init?(argument: String) {
    let parts = argument.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, (1...16384).contains(parts[0]), (1...16384).contains(parts[1]) else { return nil }
    self.init(height: parts[0], width: parts[1])
  }
}
