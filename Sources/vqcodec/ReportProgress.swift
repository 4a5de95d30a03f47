import Foundation

/// Report progress on stderr: a bar rewritten in place on a terminal, one plain line per image otherwise.
final class ReportProgress {
  private let total: Int
  private let start = Date()
  private let isTerminal = isatty(STDERR_FILENO) != 0

  init(total: Int) { self.total = total }

  /// Call after each image; `done` images of `total` are finished.
  func advance(done: Int, name: String) {
    let elapsed = Date().timeIntervalSince(start)
    let eta = elapsed / Double(done) * Double(total - done)
    let status =
      "\(done)/\(total) \(name)  \(String(format: "%.0f", elapsed)) s elapsed, ETA \(String(format: "%.0f", eta)) s"
    if isTerminal {
      let width = 30
      let filled = width * done / total
      write(
        "\r\u{1B}[2K[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
          + status)
      if done == total { write("\n") }
    } else {
      write("report: " + status + "\n")
    }
  }

  private func write(_ s: String) { writeToStandardError(s) }
}
