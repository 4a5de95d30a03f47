import Dispatch

/// Accumulates wall time and floating-point work per op label while enabled (`vqcodec bench --profile`), so a
/// training step's next bottleneck is visible. Disabled, a measurement costs one branch.
public enum Profiler {
  public struct Entry: Sendable {
    public var calls = 0
    public var seconds = 0.0
    public var flop = 0.0
  }

  nonisolated(unsafe) public static var isEnabled = false
  nonisolated(unsafe) public private(set) static var entries: [String: Entry] = [:]

  public static func reset() { entries = [:] }

  /// Runs `body`, charging its time and `flop` to `label` when profiling.
  @inline(__always)
  static func measure<T>(_ label: @autoclosure () -> String, flop: @autoclosure () -> Double = 0, _ body: () -> T) -> T
  {
    guard isEnabled else { return body() }
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    entries[label(), default: Entry()].calls += 1
    entries[label()]!.seconds += seconds
    entries[label()]!.flop += flop()
    return result
  }
}
