import Foundation
import Training

/// Training progress on stderr: a live, rewritten line on a terminal, plain periodic lines otherwise (logs, CI).
final class ProgressPrinter {
  private let isTerminal = isatty(STDERR_FILENO) != 0
  /// Prints nothing: the MPI ranks other than 0 (one progress line per job).
  private let silent: Bool

  init(silent: Bool = false) { self.silent = silent }
  private var lastPlain = Date.distantPast
  private var lineOpen = false

  func note(_ message: String) {
    clearLine()
    write(message + "\n")
  }

  func show(_ event: TrainingSession.Event) {
    switch event {
    case .step(let m, let elapsed, let total):
      let eta = total.map { t in m.imagesPerSecond > 0 ? elapsed / Double(m.step) * Double(t - m.step) : 0 } ?? 0
      // A step without the quantizer (`--unquantized-steps`, `--unquantized-share`) chose no codes.
      let codes =
        m.activeStages == 0
        ? "unquantized" : String(format: "perplexity %.1f  codes %d", m.perplexity, m.usedCodes)
      var text = String(
        format: "step %d/%d  loss %.4f  psnr %.2f dB  %@  %.1f img/s  %@ elapsed  ETA %@",
        m.step, total ?? 0, m.loss, m.psnr, codes, m.imagesPerSecond, clock(elapsed), clock(eta))
      if let t = m.temperature { text += String(format: "  τ %.3f", t) }
      if isTerminal {
        write("\r\u{1B}[2K" + text)
        lineOpen = true
      } else if Date().timeIntervalSince(lastPlain) >= 30 {
        lastPlain = Date()
        write(text + "\n")
      }
    case .validation(let step, let v):
      note(
        String(
          format: "validation at step %d: %.2f dB, %.4f bpp (fixed width), perplexity %.1f, %d codes used, %d dead",
          step, v.psnr, v.bitsPerPixel, v.perplexity, v.usedCodes, v.deadCodes))
    case .saved(let path, let step):
      note("saved \(path) at step \(step)")
    }
  }

  func finish() { clearLine() }

  private func clearLine() {
    if lineOpen {
      write("\n")
      lineOpen = false
    }
  }

  private func write(_ s: String) { if !silent { writeToStandardError(s) } }

  private func clock(_ seconds: Double) -> String {
    let s = Int(seconds)
    return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
  }
}
