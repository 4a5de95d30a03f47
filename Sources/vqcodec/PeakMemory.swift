import Foundation

/// The process's peak resident memory (VmHWM in /proc/self/status), as encode and decode report it: on huge images
/// it is the figure that matters. "peak memory unknown" where the kernel does not say.
func peakMemoryText() -> String {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  else { return "peak memory unknown" }
  return String(format: "peak memory %.1f MB", Double(kilobytes) / 1024)
}
