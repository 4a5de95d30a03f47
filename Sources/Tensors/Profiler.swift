import Dispatch
import Synchronization

/// Accumulates wall time and floating-point work per op label while enabled (`vqcodec bench --profile`), so a
/// training step's next bottleneck is visible. Disabled, a measurement costs one branch.
public enum Profiler {
  public struct Entry: Sendable {
    public var calls = 0
    public var seconds = 0.0
    public var flop = 0.0
  }

  /// An atomic and a lock rather than plain statics: tests profile while other tests run ops.
  private static let enabled = Atomic<Bool>(false)
  private static let recorded = Mutex<[String: Entry]>([:])

  public static var isEnabled: Bool {
    get { enabled.load(ordering: .relaxed) }
    set { enabled.store(newValue, ordering: .relaxed) }
  }

  public static var entries: [String: Entry] { recorded.withLock { $0 } }

  public static func reset() { recorded.withLock { $0 = [:] } }

  /// Runs `body`, charging its time and `flop` to `label` when profiling.
  @inline(__always)
  static func measure<T>(_ label: @autoclosure () -> String, flop: @autoclosure () -> Double = 0, _ body: () -> T) -> T
  {
    guard isEnabled else { return body() }
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let (name, work) = (label(), flop())
    recorded.withLock { entries in
      entries[name, default: Entry()].calls += 1
      entries[name]!.seconds += seconds
      entries[name]!.flop += work
    }
    return result
  }
}
