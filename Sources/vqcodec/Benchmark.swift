import Codec
import Foundation
import Layers
import Tensors

/// Times `bench-f4` (DESIGN.md) on random data, the way `../shared/tools/torch_ref.py` times PyTorch.
struct Benchmark {
  let mode: String, threads: Int, batch: Int, size: ImageSize, steps: Int, repeats: Int, warmup: Int, seed: UInt64
  let profile: Bool

  struct Result {
    var fields: [(String, String)]
    func jsonLine() -> String { "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }
  }

  func run() throws -> Result {
    let config = ModelConfiguration.presets["bench-f4"]!
    var rng = SplitMix64(seed: seed)
    let work = config.forwardWork(height: size.height, width: size.width, batch: batch)
    var fields: [(String, String)] = [
      ("arch", "\"bench-f4\""), ("mode", "\"\(mode)\""), ("threads", "\(threads)"), ("batch", "\(batch)"),
      ("size", "[\(size.height), \(size.width)]"), ("steps", "\(steps)"), ("repeat", "\(repeats)"),
      ("warmup", "\(warmup)"),
      ("backend", "\"vqcodec\""), ("kernel", "\"\(MatrixKernel.name)\""),
    ]
    switch mode {
    case "gemm":
      let (seconds, gflop) = timeGEMM()
      fields += [("seconds", fmt(seconds)), ("gflop_per_s", fmt(gflop / seconds))]
    case "train":
      let step = try TrainingStepBenchmark(config: config, batch: batch, size: size, rng: &rng)
      let times = time { step.run() }
      let ms = median(times) * 1e3
      if profile { printProfile { step.run() } }
      fields += [
        ("ms_per_step", fmt(ms)), ("images_per_s", fmt(Double(batch) / ms * 1e3)),
        ("per_repeat_ms", "[" + times.map { fmt($0 * 1e3) }.joined(separator: ", ") + "]"),
        ("gflop_per_step", fmt(work.trainingStepGFLOP)), ("gflop_per_s", fmt(work.trainingStepGFLOP / ms * 1e3)),
        ("final_loss", fmt(Double(step.lastLoss))),
      ]
    default:
      let codec = CodecBenchmark(config: config, batch: batch, size: size, rng: &rng)
      let isEncode = mode == "encode"
      let times = time { if isEncode { codec.encode() } else { codec.decode() } }
      if profile { printProfile { if isEncode { codec.encode() } else { codec.decode() } } }
      let seconds = median(times)
      let gflop = isEncode ? work.encodeGFLOP : work.decodeGFLOP
      fields += [
        ("seconds", fmt(seconds)), ("megapixels_per_s", fmt(Double(batch * size.height * size.width) / 1e6 / seconds)),
        ("per_repeat_s", "[" + times.map { fmt($0) }.joined(separator: ", ") + "]"),
        ("gflop", fmt(gflop)), ("gflop_per_s", fmt(gflop / seconds)),
      ]
    }
    return Result(fields: fields)
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
      print(
        "{\"op\": \"\(label)\", \"calls\": \(e.calls), \"ms\": \(fmt(e.seconds * 1e3)), \"share\": \(fmt(e.seconds / total)), \"gflop_per_s\": \(fmt(e.flop / e.seconds / 1e9))}"
      )
    }
    print(
      "{\"op\": \"other (elementwise, reductions, quantizer, optimizer)\", \"ms\": \(fmt((total - attributed) * 1e3)), \"share\": \(fmt((total - attributed) / total))}"
    )
    print("{\"op\": \"step total\", \"ms\": \(fmt(total * 1e3))}")
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

func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
