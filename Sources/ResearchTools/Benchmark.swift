import Codec
import Foundation
import Layers
import Serialization
import Tensors

/// Times `bench-f4` (DESIGN.md) on random data, the way `../shared/tools/torch_ref.py` times PyTorch.
public struct Benchmark {
  public enum Mode: String, CaseIterable, Sendable { case train, encode, decode, gemm }

  let mode: Mode, threads: Int, batch: Int, size: ImageSize, steps: Int, repeats: Int, warmup: Int, seed: UInt64
  let profile: Bool

  public init(
    mode: Mode, threads: Int, batch: Int, size: ImageSize, steps: Int, repeats: Int, warmup: Int, seed: UInt64,
    profile: Bool
  ) {
    (self.mode, self.threads, self.batch, self.size, self.steps) = (mode, threads, batch, size, steps)
    (self.repeats, self.warmup, self.seed, self.profile) = (repeats, warmup, seed, profile)
  }

  /// One JSON record with torch_ref.py's keys. With `profile`, first prints a record per op of one more step.
  public func run() throws -> JSONValue {
    let config = ModelConfiguration.presets["bench-f4"]!
    var rng = SplitMix64(seed: seed)
    let work = config.forwardWork(height: size.height, width: size.width, batch: batch)
    var fields: [(String, JSONValue)] = [
      ("arch", .string("bench-f4")), ("mode", .string(mode.rawValue)), ("threads", .integer(threads)),
      ("batch", .integer(batch)), ("size", .array([.integer(size.height), .integer(size.width)])),
      ("steps", .integer(steps)), ("repeat", .integer(repeats)), ("warmup", .integer(warmup)),
      ("backend", .string("vqcodec")), ("kernel", .string(MatrixKernel.name)),
    ]
    switch mode {
    case .gemm:
      let (seconds, gflop) = timeGEMM()
      fields += [("seconds", measured(seconds)), ("gflop_per_s", measured(gflop / seconds))]
    case .train:
      let step = try TrainingStepBenchmark(config: config, batch: batch, size: size, rng: &rng)
      let times = time { step.run() }
      let ms = median(times) * 1e3
      if profile { printProfile { step.run() } }
      fields += [
        ("ms_per_step", measured(ms)), ("images_per_s", measured(Double(batch) / ms * 1e3)),
        ("per_repeat_ms", .array(times.map { measured($0 * 1e3) })),
        ("gflop_per_step", measured(work.trainingStepGFLOP)),
        ("gflop_per_s", measured(work.trainingStepGFLOP / ms * 1e3)), ("final_loss", measured(Double(step.lastLoss))),
      ]
    case .encode, .decode:
      let codec = CodecBenchmark(config: config, batch: batch, size: size, rng: &rng)
      let isEncode = mode == .encode
      let times = time { if isEncode { codec.encode() } else { codec.decode() } }
      if profile { printProfile { if isEncode { codec.encode() } else { codec.decode() } } }
      let seconds = median(times)
      let gflop = isEncode ? work.encodeGFLOP : work.decodeGFLOP
      fields += [
        ("seconds", measured(seconds)),
        ("megapixels_per_s", measured(Double(batch * size.height * size.width) / 1e6 / seconds)),
        ("per_repeat_s", .array(times.map { measured($0) })), ("gflop", measured(gflop)),
        ("gflop_per_s", measured(gflop / seconds)),
      ]
    }
    return .object(fields)
  }

  /// Runs `warmup` untimed steps, then `repeats` timed groups of `steps`; seconds per step for each group.
  private func time(_ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    return (0..<repeats).map { _ in
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<steps { body() }
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
    }
  }

  /// One more step with the profiler on: a JSON line per op label (time, GFLOP/s), then the unattributed rest.
  private func printProfile(_ body: () -> Void) {
    Profiler.reset()
    Profiler.isEnabled = true
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    Profiler.isEnabled = false
    var attributed = 0.0
    for (label, e) in Profiler.entries.sorted(by: { $0.value.seconds > $1.value.seconds }) {
      attributed += e.seconds
      let record: JSONValue = .object([
        ("op", .string(label)), ("calls", .integer(e.calls)), ("ms", measured(e.seconds * 1e3)),
        ("share", measured(e.seconds / total)), ("gflop_per_s", measured(e.flop / e.seconds / 1e9)),
      ])
      print(record.line)
    }
    let rest: JSONValue = .object([
      ("op", .string("other (elementwise, reductions, quantizer, optimizer)")),
      ("ms", measured((total - attributed) * 1e3)), ("share", measured((total - attributed) / total)),
    ])
    print(rest.line)
    print(JSONValue.object([("op", .string("step total")), ("ms", measured(total * 1e3))]).line)
  }

  /// The sgemm ceiling: a square 2048 product, the best of `repeats`.
  private func timeGEMM() -> (seconds: Double, gflop: Double) {
    let n = 2048
    var rng = SplitMix64(seed: seed)
    let a = Tensor.uniform(shape: [n, n], in: -1...1, using: &rng)
    let b = Tensor.uniform(shape: [n, n], in: -1...1, using: &rng)
    let tape = Tape(isRecording: false)
    let (va, vb) = (Variable(a, requiresGrad: false), Variable(b, requiresGrad: false))
    let times = time { _ = tape.matmul(va, vb) }
    return (times.min()!, 2 * Double(n * n * n) / 1e9)
  }
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A timing or rate: four significant digits are all the noise allows.
func measured(_ x: Double) -> JSONValue { .number(x, significantDigits: 4) }

/// `HxW`, e.g. `64x64` or `512x768`.
public struct ImageSize: Sendable {
  public let height: Int, width: Int
  public init(height: Int, width: Int) { (self.height, self.width) = (height, width) }
}
