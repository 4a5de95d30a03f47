/// One stage's coded index grid: which coder wrote it, and its bytes (FORMAT.md §3, §4).
public struct StagePayload: Equatable, Sendable {
  public var coder: CoderID
  public var bytes: [UInt8]

  public init(coder: CoderID, bytes: [UInt8]) {
    self.coder = coder
    self.bytes = bytes
  }
}
